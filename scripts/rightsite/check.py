"""`rightsite check`: load, run the guard, print every problem, exit 0/1."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .guard import run_guard
from .load import LoadCache, Project, load_project
from .problems import Problems


def check_project(root: Path, today: dt.date, cache: LoadCache | None = None) -> tuple[Project, Problems]:
    """Load and check; return the project and all problems (loading ones first)."""
    project = load_project(root, cache)
    problems = Problems()
    problems.extend(project.problems)
    problems.extend(run_guard(project, today))
    from .guard.inspections import check_inspections  # inspection records and the public merchant list

    problems.extend(check_inspections(project, today))
    from .report.cli import report_problems  # CSV exports, report files, frozen-figure drift

    problems.extend(report_problems(root, project))
    from .report.text import placeholder_problems

    problems.extend(placeholder_problems(project))
    from .fmt import layout_problems  # records out of the form-based editor's layout (fmt.layout)

    problems.extend(layout_problems(root))
    if not problems.counts()["error"]:
        problems.extend(generated_link_problems(project, today))
    return project, problems


def generated_link_problems(project: Project, today: dt.date) -> Problems:
    """Every link of the generated pages (home, indexes, record pages) leads to a page the site
    will have, so a bad link is reported by `check` against the file it came from, not by
    MkDocs against a page no editor can open (rule `link.generated`)."""
    from .guard.links import LINK, heading_ids, known_pages, resolve_link
    from .site.pages import SiteContent, section_intros

    out = Problems()
    pages = SiteContent(project, today, project.root / "theme").pages(section_intros(project.root))
    known = known_pages(project) | {p.src_uri for p in pages}
    anchors = {p.src_uri: heading_ids(p.markdown) for p in pages}
    anchors.update({f"handbook/{Path(c.file).name}": heading_ids(c.body) for c in project.chapters.values()})
    for page in pages:
        for m in LINK.finditer(page.markdown):
            target, fragment = resolve_link(page.src_uri, m.group(3))
            if target is None or not target.endswith(".md"):
                continue
            missing = target not in known
            if missing or (fragment and target in anchors and fragment not in anchors[target]):
                what = f"页面 {target}" if missing else f"{target} 中的锚点 #{fragment}"
                out.error("link.generated", page.edit_path or f"content/{page.src_uri}", 1, "",
                          f"生成的页面 {page.src_uri} 链接到不存在的{what}（链接文字“{m.group(2)[:30]}”）。"
                          "请检查这里引用的章节、条款或记录编号。 A generated page links to a missing page or anchor.")
    return out


def run_check(root: Path, today: dt.date, fmt: str, strict: bool) -> int:
    _, problems = check_project(root, today)
    if fmt == "json":
        print(problems.to_json())
    else:
        print(problems.to_text())
    return 1 if problems.failed(strict) else 0
