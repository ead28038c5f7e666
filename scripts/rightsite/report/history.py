"""What was published, as git recorded it: the commit that froze each annual report.

A published report is checked against its own publication, not only against itself: the
file as it was at the first commit where it had `status: published` and a `figures` block
is the published record (figures, status, date). `report.freeze` compares the working
tree with it, so deleting the file, flipping the status, deleting or re-freezing the
figures block, or editing data and frozen figures together are all seen.

Git is read with `git log` / `git show` in subprocesses (no library). A project outside
git is checked against itself only; a shallow clone is reported (its history may not
reach the publication).
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..load import Project
from ..model.common import validate_doc
from ..model.report import Report
from ..problems import Problems
from ..yamlio import parse_yaml

REPORT_FILE = re.compile(r"data/reports/(\d{4})\.yml")
MAX_COMMITS = 500  # commits of one report file looked at for its publication


@dataclass
class Published:
    """A report as it was at the commit that froze it."""

    year: int
    commit: str
    date: str  # commit date, YYYY-MM-DD
    record: Report
    root: Path
    rel: str
    last_commit: str = ""  # the newest commit that still has the file (to restore from)
    _csv: list[str] | None = field(default=None, repr=False)

    @property
    def short(self) -> str:
        return self.commit[:10]

    @property
    def figures(self) -> dict[str, Any]:
        return self.record.figures or {}

    def csv_changes(self) -> list[str]:
        """How the year's complaint export changed since the publication: commits, and
        "尚未提交的修改" for uncommitted edits. Empty when it did not change."""
        if self._csv is None:
            csv = f"data/complaints/{self.year}.csv"
            out = []
            log = _git(self.root, "log", "--format=%h %cs", f"{self.commit}..HEAD", "--", csv)
            if log is not None and log.returncode == 0:
                out += [f"提交 {line}" for line in log.stdout.split("\n") if line.strip()]
            diff = _git(self.root, "diff", "--quiet", "HEAD", "--", csv)
            if diff is not None and diff.returncode == 1:
                out.append("尚未提交的修改")
            self._csv = out
        return self._csv


@dataclass
class History:
    """The git state of a project and the publication of each report year found in it."""

    state: str  # "none" (not in git), "shallow", "full", "error"
    detail: str = ""
    published: dict[int, Published] = field(default_factory=dict)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess | None:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              encoding="utf-8", errors="replace", timeout=60, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return None


def history(project: Project) -> History:
    """The project's report history (read once per loaded project)."""
    memo = project.memo
    if "report.history" not in memo:
        memo["report.history"] = _read_history(Path(project.root))
    return memo["report.history"]


def _read_history(root: Path) -> History:
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside is None:
        return History("none", "git 未安装")
    if inside.returncode != 0:
        if "not a git repository" in inside.stderr:
            return History("none")
        return History("error", (inside.stderr.strip().split("\n") or [""])[0][:200])
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    if shallow is not None and shallow.stdout.strip() == "true":
        return History("shallow")
    head = _git(root, "rev-parse", "--verify", "-q", "HEAD")
    if head is None or head.returncode != 0:
        return History("full")  # a repository without commits has published nothing yet
    names = _git(root, "log", "--format=", "--name-only", "--relative", "--", "data/reports")
    if names is None or names.returncode != 0:
        return History("error", (names.stderr.strip() if names else "")[:200])
    found = History("full")
    for rel in sorted({n.strip() for n in names.stdout.split("\n") if REPORT_FILE.fullmatch(n.strip())}):
        pub = _publication(root, rel)
        if pub is not None:
            found.published[pub.year] = pub
    return found


def _publication(root: Path, rel: str) -> Published | None:
    """The first commit where `rel` is a published report with frozen figures."""
    log = _git(root, "log", "--reverse", "--format=%H %cs", "--", rel)
    if log is None or log.returncode != 0:
        return None
    commits = [line.split(" ") for line in log.stdout.split("\n") if line.strip()][:MAX_COMMITS]
    year = int(REPORT_FILE.fullmatch(rel).group(1))  # type: ignore[union-attr]  # rel matched it
    for commit, date in commits:
        shown = _git(root, "show", f"{commit}:./{rel}")
        if shown is None or shown.returncode != 0:
            continue  # the file was deleted in this commit
        doc = parse_yaml(shown.stdout.lstrip("\ufeff"))
        record, _ = validate_doc(Report, doc)
        if record is not None and record.status == "published" and record.figures is not None:
            newest = commits[-1][0]
            exists = _git(root, "cat-file", "-e", f"{newest}:./{rel}")
            last = newest[:10] if exists is not None and exists.returncode == 0 else f"{newest[:10]}^"
            return Published(year, commit, date, record, root, rel, last_commit=last)
    return None


def published(project: Project, year: int) -> Published | None:
    """The publication of `year` as git recorded it, or None (never published, or no history)."""
    return history(project).published.get(year)


NEVER_REFREEZE = "不要重新冻结（--freeze）"


def history_problems(project: Project) -> Problems:
    """What cannot be seen in the report files alone: a shallow clone (warning), and published
    reports deleted, turned back into drafts, or stripped of their frozen figures (errors).
    (Edited frozen figures are found leaf by leaf with the drift check, report.freeze.)"""
    out = Problems()
    found = history(project)
    files = sorted(p.name for p in (Path(project.root) / "data" / "reports").glob("*.yml"))
    if found.state == "shallow" and files:
        out.warning("report.drift", f"data/reports/{files[0]}", 1, "",
                    "这是浅克隆（shallow clone），没有完整的 git 历史，无法核对已发布的年度报告是否与发布时一致。"
                    "请运行 git fetch --unshallow（CI 中 actions/checkout 设置 fetch-depth: 0）。"
                    " Shallow clone: published reports cannot be checked against git history; fetch the full history.")
    if found.state == "error" and files:
        out.warning("report.drift", f"data/reports/{files[0]}", 1, "",
                    f"无法读取 git 历史（{found.detail}），无法核对已发布的年度报告是否与发布时一致。"
                    f" Cannot read the git history: {found.detail}")
    for year, pub in sorted(found.published.items()):
        out.extend(_publication_problems(project, pub))
    return out


def _publication_problems(project: Project, pub: Published) -> Problems:
    out, rel = Problems(), pub.rel
    since = f"它已于 {pub.record.published or pub.date} 发布，数字在提交 {pub.short}（{pub.date}）冻结"
    path = Path(project.root) / rel
    item = project.reports.get(pub.year)
    if not path.exists():
        out.error("report.drift", rel, 1, "",
                  f"已发布的 {pub.year} 年度报告 {rel} 被删除了（{since}）。已发布的报告不能删除或撤回。"
                  f"请恢复该文件：git checkout {pub.last_commit} -- {rel}；需要更正数字时，在 corrections 中登记，{NEVER_REFREEZE}。"
                  f" The published report {rel} was deleted; restore it: git checkout {pub.last_commit} -- {rel}.")
        return out
    if item is None:
        return out  # the file has errors of its own (schema.*), reported by load
    rec = item.record
    if rec.status != "published":
        out.error("report.drift", rel, item.line("status"), "status",
                  f"已发布的报告不能改回草稿（{since}）。请改回 status: published；"
                  f"需要更正数字时，在 corrections 中登记，{NEVER_REFREEZE}。"
                  " A published report cannot go back to draft; restore `status: published`.")
    if rec.published != pub.record.published and pub.record.published is not None:
        out.error("report.drift", rel, item.line("published"), "published",
                  f"发布日期被改动了：发布时为 {pub.record.published}，现在是 {rec.published or '（空）'}。"
                  f"请改回 published: {pub.record.published}。 The publication date was changed; restore it.")
    if rec.figures is None:
        line = item.line("status")
        out.error("report.drift", rel, line, "figures",
                  f"冻结的数字 figures 块被删除了（{since}）。{NEVER_REFREEZE}：请把 figures 块原样恢复，"
                  f"可从 git show {pub.short}:{rel} 复制；需要更正数字时，在 corrections 中登记 date、figure、old、new、reason。"
                  f" The frozen figures block was deleted; restore it from git show {pub.short}:{rel} and record corrections.")
    return out


def csv_note(pub: Published | None) -> str:
    """A clause naming how the complaint export changed since publication (or "")."""
    if pub is None:
        return ""
    changes = pub.csv_changes()
    return f"（发布后台账 data/complaints/{pub.year}.csv 的改动：{'、'.join(changes)}）" if changes else ""
