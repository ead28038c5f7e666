"""`python -m rightsite` runs the same CLI as the `rightsite` console script."""
import sys

from .cli import main

sys.exit(main())
