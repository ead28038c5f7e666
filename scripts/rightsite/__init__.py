"""rightsite: the publishing system of the mall's Consumer Rights Protection Group."""

__version__ = "0.1.0"
