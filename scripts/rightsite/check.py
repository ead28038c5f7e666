"""`rightsite check`: load, run the guard, print every problem, exit 0/1."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .guard import run_guard
from .load import Project, load_project
from .problems import Problems


def check_project(root: Path, today: dt.date) -> tuple[Project, Problems]:
    """Load and check; return the project and all problems (loading ones first)."""
    project = load_project(root)
    problems = Problems()
    problems.extend(project.problems)
    problems.extend(run_guard(project, today))
    from .report.cli import report_problems  # CSV exports, report files, frozen-figure drift

    problems.extend(report_problems(root, project))
    from .report.text import placeholder_problems

    problems.extend(placeholder_problems(project))
    return project, problems


def run_check(root: Path, today: dt.date, fmt: str, strict: bool) -> int:
    _, problems = check_project(root, today)
    if fmt == "json":
        print(problems.to_json())
    else:
        print(problems.to_text())
    return 1 if problems.failed(strict) else 0
