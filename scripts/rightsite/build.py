"""`rightsite build`: check, then build website and downloads into a fresh folder,
and only when every step succeeded replace site/ with it (never half-published)."""
from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sys
from pathlib import Path

from .clock import ENV_TODAY

log = logging.getLogger("rightsite")


class _Handler(logging.Handler):
    """Print MkDocs' and our warnings plainly (no colours, no tracebacks)."""

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        if record.levelno >= logging.WARNING:
            print(f"{record.levelname:<8}{msg}", file=sys.stderr)
        elif record.name.startswith(("rightsite", "mkdocs.plugins.rightsite")):
            print(msg, file=sys.stderr)


def _setup_logging() -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    handler = _Handler()
    for name in ("mkdocs", "rightsite"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False
    logging.getLogger("jieba").setLevel(logging.WARNING)
    import jieba  # its own logger prints the dictionary loading to stderr

    jieba.setLogLevel(logging.WARNING)


def build_site(root: Path, today: dt.date, out_dir: Path, strict: bool = False, preloaded=None,
               downloads: bool = True, timings: dict | None = None) -> bool:
    """Build the website, and unless `downloads` is false its PDFs and the output scan, into
    `out_dir` (which must not exist yet). True on success.

    `preloaded` is (project, problems) already checked for `today`: the plugin then does not
    read the project again. `timings` receives the plugin's seconds per phase."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    os.environ[ENV_TODAY] = today.isoformat()
    cwd = os.getcwd()
    os.chdir(root)  # mkdocs.yml paths (theme/, content/) are relative to the project
    plugin = None
    try:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(out_dir), strict=True)
        for name, plugin in config.plugins.items():
            if name == "rightsite":
                plugin.config.strict_guard = strict
                plugin.preloaded = (today, *preloaded) if preloaded else None
                plugin.downloads = downloads
                break
        build(config)
    except MkDocsException as exc:
        print(f"构建失败 build failed: {exc}", file=sys.stderr)
        return False
    except SystemExit as exc:  # mkdocs raises Abort (a SystemExit) for strict-mode warnings
        print(f"构建失败 build failed: {exc}", file=sys.stderr)
        return False
    finally:
        os.chdir(cwd)
        if plugin is not None and timings is not None:
            timings.update(getattr(plugin, "timings", {}))  # none if mkdocs.yml lacks the rightsite plugin
    return True


def build_all(root: Path, today: dt.date, out_dir: Path, strict: bool = False,
              timings: dict | None = None) -> bool:
    """Every phase into `out_dir`: check, website, PDFs, output scan. True on success.

    `timings` (if given) receives seconds per phase, for `make bench`.
    """
    import time

    from .check import check_project

    timings = timings if timings is not None else {}
    t0 = time.perf_counter()
    project, problems = check_project(root, today)
    timings["check"] = time.perf_counter() - t0
    if problems.items:
        print(problems.to_text(), file=sys.stderr)
    if problems.failed(strict):
        return False
    t0 = time.perf_counter()
    phases: dict = {}
    ok = build_site(root, today, out_dir, strict, preloaded=(project, problems), timings=phases)
    timings["website"] = time.perf_counter() - t0 - sum(phases.values())
    timings.update(phases)
    return ok


def downloads_phase(project, today: dt.date, out_dir: Path):
    """The PDFs (brochures, standards, flyers, poster, reports) into out_dir/downloads -> Problems."""
    from .pdf import build_pdfs
    from .report.pdfdoc import build_report_pdfs

    cache = project.root / ".cache"
    problems, _ = build_pdfs(project, today, out_dir, cache)  # logs rendered/reused itself
    problems.extend(build_report_pdfs(project, out_dir, cache, preview=os.environ.get("RIGHTSITE_PREVIEW") == "1"))
    return problems


def output_scan_phase(project, today: dt.date, out_dir: Path):
    """The personal-data scan of everything built (pages, search index, PDFs) -> Problems."""
    from .guard.privacy import scan_output

    return scan_output(project, out_dir)


def run_build(root: Path, today: dt.date, strict: bool, site_dir: Path | None) -> int:
    """`rightsite build`: under the build lock, build a new version and publish it atomically
    (see rightsite.publish). 0 on success, 1 when the build failed or another build runs,
    2 when the target may not be replaced."""
    from . import publish

    _setup_logging()
    given = Path(site_dir) if site_dir else root / "site"
    given = given if given.is_absolute() else Path.cwd() / given
    target = given.parent.resolve() / given.name  # `site` itself may be our symlink: do not follow it
    why = publish.unsafe_target(root.resolve(), target)
    if why:
        print(f"不能把网站生成到 {target}：{why}。请换一个输出文件夹。 Refusing to replace {target}.", file=sys.stderr)
        return 2
    layout = publish.Layout(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = publish.acquire(layout)
    except publish.Busy as exc:
        print(f"{exc}\n{target} 保持不变。 {target} left untouched.", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"无法在 {target.parent} 中写入（{exc.strerror}）。请检查文件夹权限。"
              f" Cannot write in {target.parent}.", file=sys.stderr)
        return 1
    try:
        return _build_and_publish(root, today, strict, layout)
    finally:
        lock.close()


def _build_and_publish(root: Path, today: dt.date, strict: bool, layout) -> int:
    from . import publish

    if publish.recover(layout):
        print(f"上次构建中断，已恢复上一版网站 {layout.target}。 Restored the previous site.", file=sys.stderr)
    publish.clean_leftovers(layout)
    version = layout.new_version()
    ok = False
    try:
        try:
            ok = build_all(root, today, version, strict)
        except Exception as exc:  # an unexpected failure must still leave site/ as it was
            log.exception("build crashed")
            print(f"构建意外失败：{type(exc).__name__}: {exc}", file=sys.stderr)
            ok = False
        if ok:
            publish.publish(layout, version)
    except OSError as exc:
        ok = layout.current() == version  # failing after the swap (while tidying up) is still published
        if not ok:
            print(f"无法发布网站（{exc.strerror}: {exc.filename}）。 Could not publish.", file=sys.stderr)
    finally:
        if not ok:
            shutil.rmtree(version, ignore_errors=True)
    if ok:
        print(f"网站已生成 site built: {layout.target}", file=sys.stderr)
    else:
        print(f"构建失败，{layout.target} 保持不变。 Build failed; {layout.target} left untouched.", file=sys.stderr)
    return 0 if ok else 1
