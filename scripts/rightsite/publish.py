"""Atomic, exclusive publishing of a built site.

`site` is a symbolic link to a versioned folder `.site-builds/<stamp>/`. A build writes a
new version beside the published one and swaps the link with one `os.replace` of a
temporary link, so at every instant `site/` is either the old site or the new one, whole.
Users keep using `site/` as a folder (`ls site/`, serving it, `rsync site/ host:`).

A lock (`fcntl.flock` on `.site-builds/.lock`) makes builds of the same target exclusive:
a second build waits up to RIGHTSITE_BUILD_WAIT seconds (default 300), then refuses with a
message naming the running build. The kernel releases the lock when a build dies, however
it dies, so a killed build never blocks the next one.

Leftovers of killed builds (unfinished versions, temporary links, the folders of the old
two-rename scheme) are removed by the next build, under the lock; the published version
and the one before it (`.site-builds/.previous`, for a manual rollback) are kept.
"""
from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

WAIT_ENV = "RIGHTSITE_BUILD_WAIT"
DEFAULT_WAIT = 300.0
MARKER = ".rightsite-build"  # written into every built site: only such a folder may be replaced
LOCK = ".lock"
PREVIOUS = ".previous"


class Busy(Exception):
    """Another build holds the lock; the message says which and what to do."""


@dataclass(frozen=True)
class Layout:
    """Where one target's versions, lock and temporary links live."""

    target: Path  # e.g. <root>/site: a symlink to builds/<stamp>

    @property
    def builds(self) -> Path:
        return self.target.parent / f".{self.target.name}-builds"

    @property
    def lock(self) -> Path:
        return self.builds / LOCK

    @property
    def previous(self) -> Path:
        return self.builds / PREVIOUS

    def temp_link(self) -> Path:
        return self.target.parent / f".{self.target.name}.link-{os.getpid()}"

    def new_version(self) -> Path:
        """A fresh, not yet existing folder for this build: sortable by time, unique by pid."""
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
        path = self.builds / f"{stamp}-{os.getpid()}"
        n = 1
        while path.exists() or path.is_symlink():
            path = self.builds / f"{stamp}-{os.getpid()}-{n}"
            n += 1
        return path

    def ours(self, link: Path) -> Path | None:
        """The version folder a link of ours points at (None if it is not such a link)."""
        if not link.is_symlink():
            return None
        dest = Path(os.readlink(link))
        dest = dest if dest.is_absolute() else link.parent / dest
        if dest.parent.resolve() != self.builds.resolve():
            return None
        return self.builds / dest.name

    def current(self) -> Path | None:
        return self.ours(self.target)


def wait_seconds() -> float:
    """How long a build waits for a running one (RIGHTSITE_BUILD_WAIT, seconds)."""
    raw = os.environ.get(WAIT_ENV, "")
    try:
        return max(float(raw), 0.0) if raw.strip() else DEFAULT_WAIT
    except ValueError:
        return DEFAULT_WAIT


def acquire(layout: Layout, wait: float | None = None, poll: float = 0.2) -> IO[str]:
    """Take the build lock of `layout`, waiting up to `wait` seconds; raises Busy.

    The returned file holds the lock until it is closed (or the process ends)."""
    wait = wait_seconds() if wait is None else wait
    layout.builds.mkdir(parents=True, exist_ok=True)
    fh = open(layout.lock, "a+", encoding="utf-8")
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                fh.close()
                raise
        if time.monotonic() >= deadline:
            holder = _holder(layout)
            fh.close()
            raise Busy(f"另一个构建（{holder}）正在生成 {layout.target}，等待 {wait:g} 秒后仍未结束，本次构建已放弃。"
                       f"请等它结束后再运行 rightsite build（等待时间可用环境变量 {WAIT_ENV} 设置，单位秒）。"
                       f" Another build ({holder}) is publishing {layout.target}; gave up after {wait:g} s.")
        if not told:
            import sys

            print(f"另一个构建（{_holder(layout)}）正在进行，最多等待 {wait:g} 秒…… Waiting for another build.",
                  file=sys.stderr)
            told = True
        time.sleep(poll)
    fh.seek(0)
    fh.truncate()
    fh.write(f"pid {os.getpid()} since {dt.datetime.now().astimezone().isoformat(timespec='seconds')}\n")
    fh.flush()
    return fh


def _holder(layout: Layout) -> str:
    try:
        text = layout.lock.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    if text.startswith("pid "):
        pid, _, since = text[4:].partition(" since ")
        return f"进程 {pid}，{since} 开始"
    return "进程未知"


def clean_leftovers(layout: Layout) -> list[Path]:
    """Remove what killed builds left (call with the lock held); returns what was removed.

    Kept: the published version and the previous one. Removed: every other version folder,
    temporary links, and the `.site.build-*` / `.site.old-*` folders of the old scheme."""
    keep = {p.name for p in (layout.current(), layout.ours(layout.previous)) if p is not None}
    removed = []
    if layout.builds.is_dir():
        for entry in layout.builds.iterdir():
            if entry.name in (LOCK, PREVIOUS) or entry.name in keep:
                continue
            _remove(entry)
            removed.append(entry)
    name = layout.target.name
    for pattern in (f".{name}.link-*", f".{name}.build-*", f".{name}.old-*"):
        for entry in layout.target.parent.glob(pattern):
            _remove(entry)
            removed.append(entry)
    if layout.previous.is_symlink() and layout.ours(layout.previous) is not None and \
            not layout.previous.exists():
        layout.previous.unlink()  # it pointed at a version that is gone
    return removed


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


# ---- the steps of publishing (separate functions so a test can stop a build at each) ------

def write_marker(version: Path) -> None:
    (version / MARKER).write_text("built by rightsite; replaced by the next build\n", encoding="utf-8")


def make_link(layout: Layout, version: Path) -> Path:
    """A temporary symlink beside the target, pointing (relatively) at `version`."""
    tmp = layout.temp_link()
    tmp.unlink(missing_ok=True)
    os.symlink(os.path.relpath(version, layout.target.parent), tmp)
    return tmp


def remember_previous(layout: Layout) -> None:
    """Point `.previous` at the version about to be replaced (kept for a manual rollback)."""
    current = layout.current()
    if current is not None:
        _point_previous(layout, current)


def _point_previous(layout: Layout, version: Path) -> None:
    tmp = layout.builds / f"{PREVIOUS}.{os.getpid()}"
    tmp.unlink(missing_ok=True)
    os.symlink(version.name, tmp)
    os.replace(tmp, layout.previous)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where unavailable."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def swap(layout: Layout, link: Path) -> None:
    """The publishing instant: one rename of the temporary link over `site`.

    A real `site/` folder from an older build is exchanged with the link in one step where
    the kernel can (else renamed away just before), then kept as the previous version."""
    target = layout.target
    if target.is_dir() and not target.is_symlink():
        legacy = layout.builds / f"legacy-{os.getpid()}"
        _point_previous(layout, legacy)  # first, so that `recover` finds it
        if _exchange(link, target):
            os.rename(link, legacy)  # the link's path now holds the old folder
        else:
            os.rename(target, legacy)
            os.replace(link, target)
        return
    os.replace(link, target)


def recover(layout: Layout) -> bool:
    """If a build died in the one unguarded moment of a migration (no `site` at all), put the
    previous version back. True when it did."""
    target = layout.target
    if target.exists() or target.is_symlink():
        return False
    previous = layout.ours(layout.previous)
    if previous is None or not previous.is_dir():
        return False
    link = make_link(layout, previous)
    os.replace(link, target)
    return True


def publish(layout: Layout, version: Path) -> None:
    """Make `version` (a finished build) the published site."""
    write_marker(version)
    link = make_link(layout, version)
    remember_previous(layout)
    swap(layout, link)
    tidy_up(layout)


def tidy_up(layout: Layout) -> None:
    """After the swap: drop the version two builds old (already published, so a failure here is harmless)."""
    clean_leftovers(layout)


def unsafe_target(root: Path, target: Path) -> str | None:
    """Why `target` must not be replaced by a build, or None if it may."""
    if target == root or target in root.parents:
        return "它是项目文件夹本身或其上级"
    for name in ("data", "content", "theme", "scripts", "tests", ".git", ".venv"):
        if target == root / name or (root / name) in target.parents:
            return f"它在项目的 {name}/ 里"
    layout = Layout(target)
    if target.is_symlink():
        return None if layout.current() is not None else "它是一个符号链接，且不是 rightsite 发布的网站"
    if target == root / "site":
        return None  # the project's own output folder
    if target.exists() and (not target.is_dir() or (any(target.iterdir()) and not (target / MARKER).exists())):
        return "它已存在，且不是 rightsite 生成的网站"
    return None
