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
    keys: dict[str, str] = {}
    pending = []  # (doc, key, dest) to render
    for doc in documents:
        for rule, file, line, fld, message in doc.problems:
            problems.error(rule, file, line, fld, message)
        if doc.problems:
            log.info("PDF 未生成 skipped (errors): %s", doc.output)
            continue
        resources = [f"{_rel(project.root, p)}:{digest(p.read_bytes())}" for p in sorted(set(doc.resources))]
        if doc.parts and all(part in keys for part in doc.parts):
            # made of its parts' pages: their keys say what it prints, in this order
            key = digest(*base, doc.output, doc.title, doc.created.isoformat(), "parts", *(keys[p] for p in doc.parts))
        else:
            doc.parts = []  # a part was not made: lay the document out by itself
            key = digest(*base, doc.output, doc.title, doc.created.isoformat(), doc.html, *resources)
        keys[doc.output] = key
        dest = out_dir / doc.output
        t0 = time.perf_counter()
        if cache.reuse(doc.output, key, dest):
            _record(stats, doc.output, "reused", time.perf_counter() - t0)
            if doc.output == HANDBOOK:
                handbook_key = key
        else:
            pending.append((doc, key, dest))
    author = project.site.record.group.name
    common = (project.root, cache_dir, author, builder.css, theme)
    by_output = {doc.output: doc for doc in documents}
    # a combined document to make takes its parts along (laid out once for both), written or not
    grouped: dict[str, list] = {}
    for doc, key, dest in pending:
        if doc.parts:
            grouped[doc.output] = [by_output[p] for p in doc.parts]
    in_group = {p.output for parts in grouped.values() for p in parts}
    to_write = {doc.output: (doc, key, dest) for doc, key, dest in pending}
    jobs: list = []
    outputs: list[list] = []  # for each job, the pending (doc, key, dest) its results are for, in order
    for doc, key, dest in pending:
        if doc.output in in_group:
            continue
        if doc.output in grouped:
            parts = grouped[doc.output]
            jobs.append(("group", *common, [(p.html, p.title, p.base_dir, p.created, p.output in to_write)
                                            for p in parts], (doc.title, doc.created)))
            outputs.append([to_write[p.output] for p in parts if p.output in to_write] + [(doc, key, dest)])
        else:
            jobs.append((project.root, cache_dir, doc.html, doc.title, doc.base_dir, author, doc.created, builder.css,
                         theme, tuple(doc.variants)))
            outputs.append([(doc, key, dest)])
    booklet_done = False
    # each job's results are checked and stored as it finishes, while the workers go on
    for i, results in _render_all(jobs, common):
        for (doc, key, dest), (result, error, seconds, *cpu) in zip(outputs[i], results if isinstance(results, list)
                                                                     else [results]):
            if _accept(problems, cache, stats, doc, key, dest, result, error, seconds, *cpu) and doc.output == HANDBOOK:
                handbook_key = key
                _booklet(cache, stats, out_dir, handbook_key, doc, author, problems)
                booklet_done = True
    if handbook_key is not None and not booklet_done:  # the handbook was reused
        handbook = next(d for d in documents if d.output == HANDBOOK)
        _booklet(cache, stats, out_dir, handbook_key, handbook, author, problems)
    cache.save()
    stats["rendered"], stats["reused"] = len(cache.rendered), len(cache.reused)
    stats["total_seconds"] = round(time.perf_counter() - started, 3)
    log.info("PDF：生成 %d 份，复用 %d 份 rendered %d, reused %d (%.1f s)",
             stats["rendered"], stats["reused"], stats["rendered"], stats["reused"], stats["total_seconds"])
    return problems, stats


def _accept(problems: Problems, cache: PdfCache, stats: dict, doc, key: str, dest: Path, result, error,
            seconds: float, cpu: float | None = None) -> bool:
    """Check one rendered document and store it in the cache and at `dest`; True when it was written."""
    main = doc.sources[0].file if doc.sources else doc.template
    if error is not None:
        problems.error("pdf.render", main, 1, "", f"无法生成 {doc.output}：{error}")
        return False
    if _render_problems(problems, doc, result):
        return False
    defect = pdf_defect(result.data)
    if defect:
        problems.error("pdf.parse", main, 1, "", unreadable(doc.output, defect))
        return False
    cache.store(doc.output, key, result.data, dest)
    _record(stats, doc.output, "rendered", seconds, result, cpu)
    return True


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


def _renderer(root: Path, cache_dir: Path):
    renderer = _RENDERERS.get((root, cache_dir))
    if renderer is None:
        from .render import Renderer

        renderer = _RENDERERS[(root, cache_dir)] = Renderer(root, cache_dir, prepare_fonts(cache_dir))
    return renderer


def _render_job(job):
    """Render one document (in a worker process, or here); never raises.

    Returns (result, error, seconds, cpu seconds). A document with `variants` (tighter set-ups,
    tried in turn while it needs a second page) is laid out once per set-up and written once."""
    root, cache_dir, html, title, base_dir, author, created, css, theme, *rest = job
    variants = list(rest[0]) if rest else []
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        renderer = _renderer(root, cache_dir)
        sheets = [(css, theme)]
        laid = renderer.layout(html, base_dir=base_dir, stylesheets=sheets)
        refused = list(laid.refused)
        while len(laid.document.pages) > 1 and variants:
            laid = renderer.layout(variants.pop(0), base_dir=base_dir, stylesheets=sheets)
            refused += laid.refused
        laid.refused = refused
        result = renderer.write(laid, title=title, author=author, created=created, lang=LANG)
        del laid
        if result.pages >= BIG_PAGES:
            _collect()
        return result, None, time.perf_counter() - t0, time.process_time() - c0
    except Exception as exc:  # a WeasyPrint failure is reported, never a traceback
        log.debug("rendering %s failed", title, exc_info=True)
        return None, f"{type(exc).__name__}: {exc}", time.perf_counter() - t0, time.process_time() - c0


def _render_group(job) -> list:
    """Lay out the parts of a combined document once each; write the parts asked for and then
    the combined document from all their pages. One (result, error, seconds, cpu) per written
    part, then the combined document's; never raises."""
    _, root, cache_dir, author, css, theme, parts, (title, created) = job
    out: list = []
    laid_out = []
    failed = False
    for html, part_title, base_dir, part_created, write in parts:
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            renderer = _renderer(root, cache_dir)
            laid = renderer.layout(html, base_dir=base_dir, stylesheets=[(css, theme)])
            laid_out.append(laid)
            if write:
                result = renderer.write(laid, title=part_title, author=author, created=part_created, lang=LANG)
                out.append((result, None, time.perf_counter() - t0, time.process_time() - c0))
        except Exception as exc:  # this part is reported; the combined document cannot be made
            log.debug("rendering %s failed", part_title, exc_info=True)
            failed = True
            if write:
                out.append((None, f"{type(exc).__name__}: {exc}", time.perf_counter() - t0, time.process_time() - c0))
    t0, c0 = time.perf_counter(), time.process_time()
    if failed or not laid_out:
        out.append((None, "其中一份未能生成 a part could not be rendered", 0.0, 0.0))
        return out
    try:
        result = _renderer(root, cache_dir).write(laid_out[0], title=title, author=author, created=created, lang=LANG,
                                                  pages=[page for laid in laid_out for page in laid.document.pages])
        result.layout_seconds = 0.0
        result.refused = [r for laid in laid_out for r in laid.refused]
        laid_out.clear()
        _collect()
        out.append((result, None, time.perf_counter() - t0, time.process_time() - c0))
    except Exception as exc:
        log.debug("writing %s failed", title, exc_info=True)
        out.append((None, f"{type(exc).__name__}: {exc}", time.perf_counter() - t0, time.process_time() - c0))
    return out


BIG_PAGES = 20  # a document of this many pages frees its garbage itself


def _collect() -> None:
    """Free the box trees of a big document just made (reference cycles: about a second for a
    150-page one), so that their cost is the document's own and not that of whichever small
    document (a flyer) the collector would otherwise run in. Not after small documents: a full
    collection after each of them costs more (measured: +0.2 s a flyer) than the collector's
    own young-generation passes."""
    import gc

    gc.collect()


def _run(job):
    return _render_group(job) if job[0] == "group" else _render_job(job)


def _warm_worker(parent: int | None, warm: tuple | None) -> None:
    """Pool initializer: end with the parent; leave the parent's objects out of this process's garbage
    collections (they are many in a big project, and scanning them is what made later documents
    slower); parse the stylesheets and load the fonts once, before the first document."""
    import gc

    from .render import die_with_parent

    die_with_parent(parent)
    gc.freeze()
    if warm is not None:
        root, cache_dir, _author, css, theme = warm
        try:
            _renderer(root, cache_dir).warm_up([(css, theme)])
        except Exception:  # the first document reports what is wrong
            log.debug("warming up the renderer failed", exc_info=True)
        gc.collect()
        gc.freeze()  # the renderer, WeasyPrint and the parsed CSS too: a collection after a flyer takes 2 ms, not 15


def worker_pool(workers: int, warm: tuple | None = None):
    """A process pool of PDF renderers that end with this process, even when it is killed.

    `warm` (root, cache_dir, author, css, theme): each worker parses the CSS and loads the fonts first."""
    import concurrent.futures
    import multiprocessing

    return concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                                  initializer=_warm_worker, initargs=(os.getpid(), warm))


def _job_size(job) -> int:
    return sum(len(p[0]) for p in job[6]) if job[0] == "group" else len(job[2])


def _render_all(jobs: list, warm: tuple | None = None):
    """Render every job, on all cores when there is more than one document; yields (job index, its
    results) as each job finishes."""
    workers = min(len(jobs), os.cpu_count() or 1, 4)
    if workers <= 1:
        for i, job in enumerate(jobs):
            yield i, _run(job)
        return
    import concurrent.futures

    # the largest documents first, so the two cores finish together
    order = sorted(range(len(jobs)), key=lambda i: -_job_size(jobs[i]))
    done: set[int] = set()
    try:
        with worker_pool(workers, warm) as pool:
            futures = {pool.submit(_run, jobs[i]): i for i in order}
            for future in concurrent.futures.as_completed(futures):
                result = future.result()
                done.add(futures[future])
                yield futures[future], result
    except (OSError, concurrent.futures.process.BrokenProcessPool):  # no fork here: render in this process
        for i in order:
            if i not in done:
                yield i, _run(jobs[i])


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


def _record(stats: dict, output: str, status: str, seconds: float, result=None, cpu: float | None = None) -> None:
    entry = {"status": status, "seconds": round(seconds, 3)}
    if cpu is not None:
        entry["cpu"] = round(cpu, 3)
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
