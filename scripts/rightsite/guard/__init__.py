"""The guard: pure functions from a loaded project (and today's date) to problems."""
from __future__ import annotations

import datetime as dt

from ..load import Project
from ..problems import Problems
from .refs import check_placeholders, check_refs
from .laws import check_laws
from .links import check_links
from .privacy import scan_records
from .stale import find_stale


def run_guard(project: Project, today: dt.date) -> Problems:
    """Every check the guard knows, after loading. Loading problems are in project.problems."""
    out = Problems()
    out.extend(check_refs(project, today))
    out.extend(check_placeholders(project))
    out.extend(check_laws(project, today))
    out.extend(check_links(project))
    out.extend(scan_records(project))
    out.extend(find_stale(project, today))
    return out
