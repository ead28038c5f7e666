"""Last commit date of each file, from git, read once. No MkDocs imports."""
from __future__ import annotations

import datetime as dt
import subprocess
from functools import lru_cache
from pathlib import Path


class GitDates:
    """`date(rel_path)` -> date of the last commit touching it, or None.

    `known` is False when there is no usable history (not a repository, or a shallow
    clone whose history may stop before the file's last change).
    """

    def __init__(self, root: Path):
        self.root = root
        self.known, self.reason, self._dates = self._read(root)

    @staticmethod
    def _git(root: Path, *args: str) -> str | None:
        try:
            res = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return res.stdout if res.returncode == 0 else None

    def _read(self, root: Path) -> tuple[bool, str, dict[str, dt.date]]:
        if self._git(root, "rev-parse", "--git-dir") is None:
            return False, "不是 git 仓库 (not a git repository)", {}
        if (self._git(root, "rev-parse", "--is-shallow-repository") or "").strip() == "true":
            return False, "浅克隆，提交历史不完整 (shallow clone: history is incomplete)", {}
        out = self._git(root, "log", "--format=@%cs", "--name-only", "--", "data", "content")
        dates: dict[str, dt.date] = {}
        current = None
        for line in (out or "").splitlines():
            if line.startswith("@"):
                current = dt.date.fromisoformat(line[1:])
            elif line and current and line not in dates:
                dates[line] = current  # log is newest first
        return True, "", dates

    def date(self, rel: str) -> dt.date | None:
        return self._dates.get(rel)


@lru_cache(maxsize=8)
def git_dates(root: Path) -> GitDates:
    return GitDates(root)
