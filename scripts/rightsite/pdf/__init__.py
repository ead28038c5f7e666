"""Printable PDFs: the handbook brochure and its booklet, the service standards, the event flyers.

    problems, stats = build_pdfs(project, today, out_dir, cache_dir)

writes under `out_dir`: downloads/handbook.pdf, downloads/handbook-booklet.pdf,
downloads/standards.pdf, downloads/standards/<id>.pdf and downloads/flyers/<event-id>.pdf
(upcoming events only). Every document is checked before it is rendered (characters no
font covers: `pdf.glyph`; references outside the project: `pdf.fetch`); a document with an
error is not written. A document whose inputs are unchanged is copied from the cache.
WeasyPrint is imported only when something must actually be rendered.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import time
from pathlib import Path

from .. import urls
from ..load import Project
from ..problems import Problems
from .cache import PdfCache, digest, pdf_defect, toolchain_key
from .fetcher import ProjectFetcher
from .fonts import FontError, prepare_fonts

log = logging.getLogger("rightsite.pdf")
HANDBOOK = urls.HANDBOOK_PDF
BOOKLET = urls.BOOKLET_PDF
LANG = "zh-CN"


def _pdf_date(moment: dt.datetime) -> str:
    """D:20261015000000+08'00' (PDF date string, for pypdf metadata)."""
    off = moment.utcoffset() or dt.timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"D:{moment:%Y%m%d%H%M%S}{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


def build_pdfs(project: Project, today: dt.date, out_dir: Path, cache_dir: Path) -> tuple[Problems, dict]:
    """Check, render (or reuse) and write every printable PDF of `project` into `out_dir`.

    Returns the problems found (rules pdf.font, pdf.glyph, pdf.fetch, pdf.layout, pdf.render) and stats:
    {"rendered": n, "reused": n, "seconds": {output: s}, "documents": {output: {...}}, "total_seconds": s}.
    """
    from .brochures import Brochures

    started = time.perf_counter()
    problems = Problems()
    stats: dict = {"rendered": 0, "reused": 0, "seconds": {}, "documents": {}, "total_seconds": 0.0}
    out_dir, cache_dir = Path(out_dir), Path(cache_dir)
    if project.site is None:
        problems.error("pdf.render", "data/site.yml", 1, "", "缺少 data/site.yml，无法生成 PDF。 data/site.yml is needed for the PDFs.")
        return problems, stats
    try:
        fonts = prepare_fonts(cache_dir)
    except FontError as exc:
        problems.error("pdf.font", "theme/pdf/print.css", 1, "", str(exc))
        return problems, stats
    fetcher = ProjectFetcher(project.root, extra_dirs=(cache_dir.resolve() / "fonts",))
    builder = Brochures(project, today, fonts, fetcher)
    documents = builder.documents()
    cache = PdfCache(cache_dir)
    base = (toolchain_key(), fonts.digest_key(), builder.css, LANG, project.site.record.group.name)
    theme = project.root / "theme" / "pdf"
    handbook_key = None
    pending = []  # (doc, key, dest) to render
    for doc in documents:
        for rule, file, line, fld, message in doc.problems:
            problems.error(rule, file, line, fld, message)
        if doc.problems:
            log.info("PDF 未生成 skipped (errors): %s", doc.output)
            continue
        resources = [f"{_rel(project.root, p)}:{digest(p.read_bytes())}" for p in sorted(set(doc.resources))]
        key = digest(*base, doc.output, doc.title, doc.created.isoformat(), doc.html, *resources)
        dest = out_dir / doc.output
        t0 = time.perf_counter()
        if cache.reuse(doc.output, key, dest):
            _record(stats, doc.output, "reused", time.perf_counter() - t0)
            if doc.output == HANDBOOK:
                handbook_key = key
        else:
            pending.append((doc, key, dest))
    author = project.site.record.group.name
    jobs = [(project.root, cache_dir, doc.html, doc.title, doc.base_dir, author, doc.created, builder.css, theme,
             tuple(doc.variants)) for doc, _, _ in pending]
    for (doc, key, dest), (result, error, seconds) in zip(pending, _render_all(jobs)):
        if error is not None:
            main = doc.sources[0].file if doc.sources else doc.template
            problems.error("pdf.render", main, 1, "", f"无法生成 {doc.output}：{error}")
            continue
        if _render_problems(problems, doc, result):
            continue
        defect = pdf_defect(result.data)
        if defect:
            main = doc.sources[0].file if doc.sources else doc.template
            problems.error("pdf.parse", main, 1, "", unreadable(doc.output, defect))
            continue
        cache.store(doc.output, key, result.data, dest)
        _record(stats, doc.output, "rendered", seconds, result)
        if doc.output == HANDBOOK:
            handbook_key = key
    if handbook_key is not None:
        handbook = next(d for d in documents if d.output == HANDBOOK)
        _booklet(cache, stats, out_dir, handbook_key, handbook, project.site.record.group.name, problems)
    cache.save()
    stats["rendered"], stats["reused"] = len(cache.rendered), len(cache.reused)
    stats["total_seconds"] = round(time.perf_counter() - started, 3)
    log.info("PDF：生成 %d 份，复用 %d 份 rendered %d, reused %d (%.1f s)",
             stats["rendered"], stats["reused"], stats["rendered"], stats["reused"], stats["total_seconds"])
    return problems, stats


def check_pdfs(project: Project, today: dt.date, cache_dir: Path) -> Problems:
    """The problems build_pdfs would report before rendering (pdf.glyph, pdf.fetch, pdf.font), rendering nothing.

    Cheap enough for `rightsite check`: Markdown, templates and a cmap lookup (the fonts
    are extracted into `cache_dir` the first time, about 2 s).
    """
    from .brochures import Brochures

    problems = Problems()
    if project.site is None:
        return problems
    try:
        fonts = prepare_fonts(cache_dir)
    except FontError as exc:
        problems.error("pdf.font", "theme/pdf/print.css", 1, "", str(exc))
        return problems
    fetcher = ProjectFetcher(project.root, extra_dirs=(Path(cache_dir).resolve() / "fonts",))
    for doc in Brochures(project, today, fonts, fetcher).documents():
        for rule, file, line, fld, message in doc.problems:
            problems.error(rule, file, line, fld, message)
    return problems


_RENDERERS: dict = {}  # (root, cache_dir) -> Renderer, one per process


def _render_job(job):
    """Render one document (in a worker process, or here); never raises."""
    root, cache_dir, html, title, base_dir, author, created, css, theme, *rest = job
    variants = list(rest[0]) if rest else []  # tighter set-ups of a one-page document, tried in turn
    t0 = time.perf_counter()
    try:
        renderer = _RENDERERS.get((root, cache_dir))
        if renderer is None:
            from .render import Renderer

            renderer = _RENDERERS[(root, cache_dir)] = Renderer(root, cache_dir, prepare_fonts(cache_dir))
        result = renderer.render(html, None, title=title, base_dir=base_dir, author=author,
                                 created=created, lang=LANG, stylesheets=[(css, theme)])
        while result.pages > 1 and variants:
            result = renderer.render(variants.pop(0), None, title=title, base_dir=base_dir, author=author,
                                     created=created, lang=LANG, stylesheets=[(css, theme)])
        return result, None, time.perf_counter() - t0
    except Exception as exc:  # a WeasyPrint failure is reported, never a traceback
        log.debug("rendering %s failed", title, exc_info=True)
        return None, f"{type(exc).__name__}: {exc}", time.perf_counter() - t0


def worker_pool(workers: int):
    """A process pool of PDF renderers that end with this process, even when it is killed."""
    import concurrent.futures
    import multiprocessing

    from .render import die_with_parent

    return concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                                  initializer=die_with_parent, initargs=(os.getpid(),))


def _render_all(jobs: list) -> list:
    """Render every job, on all cores when there is more than one document; results in job order."""
    workers = min(len(jobs), os.cpu_count() or 1, 4)
    if workers <= 1:
        return [_render_job(j) for j in jobs]
    import concurrent.futures

    # the largest documents first, so the two cores finish together
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][2]))
    results: list = [None] * len(jobs)
    try:
        with worker_pool(workers) as pool:
            futures = {pool.submit(_render_job, jobs[i]): i for i in order}
            for future in concurrent.futures.as_completed(futures):
                results[futures[future]] = future.result()
    except (OSError, concurrent.futures.process.BrokenProcessPool):  # no fork here: render in this process
        return [_render_job(j) for j in jobs]
    return results


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _render_problems(problems: Problems, doc, result) -> bool:
    """Refused fetches and fallback fonts seen while rendering: errors, and the PDF is not written."""
    main = doc.sources[0].file if doc.sources else doc.template
    for url, why in result.refused:
        problems.error("pdf.fetch", main, 1, "", f"渲染 {doc.output} 时拒绝加载“{url[:60]}”：{why}")
    if doc.kind == "poster" and result.pages > 1:
        problems.error("pdf.layout", "data/site.yml", 1, "channels",
                       f"投诉渠道海报 {doc.output} 排不下一页（{result.pages} 页）。请缩短渠道的说明（note）或服务时间。"
                       f" The channels poster needs {result.pages} pages; shorten the channels' notes.")
    if doc.kind == "flyer" and result.pages > 1:
        src = doc.sources[0]
        line = next((ln for ln, fld, _ in src.values if fld == "title"), 1) if src.values else 1
        problems.error("pdf.layout", src.file, line, "title",
                       f"海报 {doc.output} 排不下一页（{result.pages} 页）。请缩短标题、地点或报名方式。"
                       f" The flyer needs {result.pages} pages; shorten the title, location or registration.")
    for family in result.foreign_fonts:
        problems.error("pdf.glyph", main, 1, "",
                       f"{doc.output} 用到了字体“{family}”（系统后备字体），说明有字符不在 Noto CJK SC 中。"
                       f" A fallback font was used in {doc.output}.")
    return bool(result.refused or result.foreign_fonts or (doc.kind in ("flyer", "poster") and result.pages > 1))


def _record(stats: dict, output: str, status: str, seconds: float, result=None) -> None:
    entry = {"status": status, "seconds": round(seconds, 3)}
    if result is not None:
        entry.update(pages=result.pages, layout=round(result.layout_seconds, 3), write=round(result.write_seconds, 3))
    stats["documents"][output] = entry
    stats["seconds"][output] = entry["seconds"]


def unreadable(output: str, why: str) -> str:
    """The message for a PDF that came out unreadable."""
    return (f"生成的 {output} 不是可读的 PDF（{why}），未发布。请重新构建；仍然出错时删除 .cache/ 后再构建，"
            f"并把这条消息报告给维护者。 {output} is not a readable PDF ({why}); not published.")


def _booklet(cache: PdfCache, stats: dict, out_dir: Path, handbook_key: str, handbook, author: str,
             problems: Problems) -> None:
    from . import booklet

    key = digest(toolchain_key(), "booklet", handbook_key)
    dest = out_dir / BOOKLET
    t0 = time.perf_counter()
    if cache.reuse(BOOKLET, key, dest):
        _record(stats, BOOKLET, "reused", time.perf_counter() - t0)
        return
    main = handbook.sources[0].file if handbook.sources else handbook.template
    handbook_pdf = cache.read(HANDBOOK)
    if handbook_pdf is None:  # changed on disk since it was written in this build
        problems.error("pdf.parse", main, 1, "", unreadable(HANDBOOK, "缓存文件在构建中被改动"))
        return
    data = booklet.impose(handbook_pdf, title=f"{handbook.title}（骑马钉印刷版）", author=author,
                          created=_pdf_date(handbook.created), lang=LANG)
    defect = pdf_defect(data)
    if defect:
        problems.error("pdf.parse", main, 1, "", unreadable(BOOKLET, defect))
        return
    cache.store(BOOKLET, key, data, dest)
    _record(stats, BOOKLET, "rendered", time.perf_counter() - t0)


def render_pdf(html: str, out: Path | None, *, title: str, base_dir: Path, **kwargs):
    """Render one HTML document with the project's fonts, fetcher and print CSS (see render.render_pdf)."""
    from .render import render_pdf as _render_pdf

    return _render_pdf(html, out, title=title, base_dir=base_dir, **kwargs)


__all__ = ["build_pdfs", "check_pdfs", "render_pdf", "unreadable", "worker_pool"]
