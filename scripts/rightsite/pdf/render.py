"""The one place that imports WeasyPrint: HTML string -> PDF bytes, with our fonts, fetcher and metadata.

One `Renderer` per build holds one FontConfiguration (so the @font-face files are
registered once), one URL fetcher bound to the project, and WeasyPrint's image cache.
WeasyPrint's log goes to the "rightsite.pdf" logger. Dates come from the caller, never
from the clock, so the same inputs give the same bytes.
"""
from __future__ import annotations

import datetime as dt
import logging
import multiprocessing.util
import os
import re
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .fetcher import FetchRefused, ProjectFetcher
from .fonts import FAMILIES, FontSet, prepare_fonts

log = logging.getLogger("rightsite.pdf")
THEME_PDF = Path("theme") / "pdf"
GENERATOR = "rightsite"


class _ToRightsite(logging.Handler):
    """Forward WeasyPrint's records to the rightsite.pdf logger (as a library it prints nothing)."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            log.log(record.levelno, "WeasyPrint: %s", record.getMessage())
        else:
            log.debug("WeasyPrint: %s", record.getMessage())


class _SvgPresentationNoise(logging.Filter):
    """Inline SVG (the report's charts) styles its shapes with SVG properties such as `fill`
    and `stroke`; WeasyPrint's HTML stylesheet parser warns it does not know them while its
    SVG renderer draws them correctly. Drop exactly those warnings; keep every other one."""

    SVG_PROPS = re.compile(r"Ignored `(fill|stroke|text-anchor|paint-order|clip-path|dominant-baseline|"
                           r"(fill|stroke)-[a-z-]+)\s*:.*unknown property")

    def filter(self, record: logging.LogRecord) -> bool:
        return not self.SVG_PROPS.search(record.getMessage())


def _route_weasyprint_logging() -> None:
    wp = logging.getLogger("weasyprint")
    if not any(isinstance(h, _ToRightsite) for h in wp.handlers):
        handler = _ToRightsite()
        handler.addFilter(_SvgPresentationNoise())
        wp.handlers = [handler]
        wp.propagate = False
        wp.setLevel(logging.INFO)
        progress = logging.getLogger("weasyprint.progress")
        progress.setLevel(logging.WARNING)


@dataclass
class RenderResult:
    """What rendering one document produced, for stats and checks."""

    pages: int
    layout_seconds: float
    write_seconds: float
    refused: list[tuple[str, str]] = field(default_factory=list)  # (url, reason) the fetcher refused
    foreign_fonts: list[str] = field(default_factory=list)  # families other than ours (fallback happened)
    data: bytes = b""

    @property
    def seconds(self) -> float:
        return self.layout_seconds + self.write_seconds


def w3c_date(moment: dt.datetime | dt.date) -> str:
    """2026-10-15T00:00:00+08:00 (what WeasyPrint's metadata expects)."""
    if not isinstance(moment, dt.datetime):
        from ..clock import start_of_day

        moment = start_of_day(moment)
    return moment.replace(microsecond=0).isoformat()


def harfbuzz_subset_available() -> bool:
    """WeasyPrint subsets fonts with HarfBuzz when libharfbuzz-subset is installed (fast), else with fontTools (slow)."""
    from weasyprint.text import ffi

    return getattr(ffi, "harfbuzz_subset", None) is not None


class Renderer:
    """Renders HTML documents of one project into PDF with shared fonts and fetcher."""

    def __init__(self, root: Path, cache_dir: Path, fonts: FontSet | None = None):
        self.root = Path(root).resolve()
        self.cache_dir = Path(cache_dir).resolve()
        self.fonts = fonts or prepare_fonts(self.cache_dir)
        self.fetcher = ProjectFetcher(self.root, extra_dirs=(self.cache_dir / "fonts",))
        self._wp = None
        self._font_config = None
        self._css_cache: dict[tuple[str, str], object] = {}
        self._image_cache: dict = {}

    def _weasyprint(self):
        if self._wp is None:
            _route_weasyprint_logging()
            import weasyprint
            from weasyprint.text.fonts import FontConfiguration
            from weasyprint.urls import URLFetcher, URLFetcherResponse

            fetcher = self.fetcher

            class _Fetcher(URLFetcher):
                """WeasyPrint's side of ProjectFetcher: answers allowed URLs, refuses everything else."""

                def fetch(self, url, headers=None):
                    body, mime, final = fetcher.fetch(url)  # raises FetchRefused, recorded
                    return URLFetcherResponse(final, body, {"Content-Type": mime})

            self._wp = weasyprint
            self._url_fetcher = _Fetcher(timeout=1, allowed_protocols=("file", "data"))
            self._font_config = FontConfiguration()
            # WeasyPrint writes each @font-face file (the CJK fonts: about 80 MB) into a
            # mkdtemp() folder it removes only in FontConfiguration.__del__, which never runs
            # in a pool worker (it ends with os._exit) or a killed build: every worker leaked
            # its copy in /tmp. Ours lives under the project's cache, named by pid, removed at
            # process exit and, if the process was killed, by the next renderer.
            self._font_config._folder = _font_folder(self.cache_dir)
            if not harfbuzz_subset_available():
                log.warning("libharfbuzz-subset 未安装：字体改用 fontTools 子集化，每份 PDF 慢约 5 秒。"
                            "请安装 Debian 软件包 libharfbuzz-subset0。 libharfbuzz-subset0 is missing: "
                            "WeasyPrint falls back to fontTools subsetting (about 5 s per PDF).")
        return self._wp

    def stylesheet(self, css: str, base_dir: Path):
        """A parsed CSS object, shared between documents (parsing and @font-face happen once)."""
        wp = self._weasyprint()
        key = (css, str(base_dir))
        if key not in self._css_cache:
            self._css_cache[key] = wp.CSS(string=css, base_url=_dir_url(base_dir),
                                          url_fetcher=self._url_fetcher, font_config=self._font_config)
        return self._css_cache[key]

    def font_css(self) -> str:
        """The @font-face rules of our faces."""
        return self.fonts.font_face_css()

    def layout(self, html: str, *, base_dir: Path, stylesheets: Sequence[tuple[str, Path]] = ()) -> Layout:
        """Lay out `html` (WeasyPrint's Document, not yet written); see `render`."""
        wp = self._weasyprint()
        refused_before = len(self.fetcher.refused)
        sheets = [self.stylesheet(self.font_css(), self.cache_dir)]
        sheets += [self.stylesheet(css, folder) for css, folder in stylesheets]
        t0 = time.perf_counter()
        document = wp.HTML(string=html, base_url=_dir_url(base_dir), url_fetcher=self._url_fetcher).render(
            stylesheets=sheets, font_config=self._font_config, cache=self._image_cache)
        return Layout(document, time.perf_counter() - t0, list(self.fetcher.refused[refused_before:]))

    def write(self, laid: Layout, out: Path | None = None, *, title: str, author: str = "",
              created: dt.datetime | dt.date | None = None, lang: str = "zh-CN", description: str = "",
              pages: list | None = None) -> RenderResult:
        """Write a laid-out document (or the given `pages`, of one or more layouts) as a PDF with this metadata."""
        import copy

        document = laid.document
        if pages is not None:
            document = document.copy(pages)
        document.metadata = meta = copy.copy(document.metadata)  # a copy shares it with its source
        meta.title = title
        meta.authors = [author] if author else []
        meta.lang = lang
        meta.generator = GENERATOR
        if description:
            meta.description = description
        if created is not None:
            meta.created = meta.modified = w3c_date(created)
        else:
            meta.created = meta.modified = None
        t0 = time.perf_counter()
        data = document.write_pdf()
        t1 = time.perf_counter()
        families = sorted({getattr(f, "family", "") for f in getattr(document, "fonts", {}).values()})
        foreign = [f for f in families if f and f not in FAMILIES]
        if out is not None:
            out = Path(out)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
        return RenderResult(len(document.pages), laid.seconds, t1 - t0, list(laid.refused), foreign, data)

    def render(self, html: str, out: Path | None, *, title: str, base_dir: Path, author: str = "",
               created: dt.datetime | dt.date | None = None, lang: str = "zh-CN",
               stylesheets: Sequence[tuple[str, Path]] = (), description: str = "") -> RenderResult:
        """Lay out `html` and write the PDF to `out` (or only return its bytes when `out` is None).

        `stylesheets` are (css text, folder its url()s are relative to); the @font-face
        rules of our fonts always come first. `created` fixes CreationDate and ModDate.
        """
        laid = self.layout(html, base_dir=base_dir, stylesheets=stylesheets)
        return self.write(laid, out, title=title, author=author, created=created, lang=lang,
                          description=description)

    def warm_up(self, stylesheets: Sequence[tuple[str, Path]] = ()) -> None:
        """Parse the stylesheets and load every face (Pango, HarfBuzz) with a tiny layout, so that
        the first real document of a worker costs what every other one does."""
        faces = "".join(f'<p style="font-family: \'{f.spec.family}\'; font-weight: {f.spec.weight}">字 a</p>'
                        for f in self.fonts.faces)
        self.layout(f"<html><body>{faces}</body></html>", base_dir=self.cache_dir, stylesheets=stylesheets)


@dataclass
class Layout:
    """A laid-out document: WeasyPrint's Document, the seconds it took and the fetches refused meanwhile."""

    document: Any  # weasyprint.Document (WeasyPrint is imported only when something is rendered)
    seconds: float
    refused: list[tuple[str, str]] = field(default_factory=list)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


FONT_TMP = "tmp-fonts"


def _font_folder(cache_dir: Path) -> Path:
    """This process's folder for WeasyPrint's @font-face files, `<cache>/tmp-fonts/<pid>`,
    after removing the folders of processes that no longer run."""
    base = cache_dir / FONT_TMP
    for old in base.glob("*") if base.is_dir() else ():
        if old.name.isdigit() and int(old.name) != os.getpid() and not _alive(int(old.name)):
            shutil.rmtree(old, ignore_errors=True)
    folder = base / str(os.getpid())
    folder.mkdir(parents=True, exist_ok=True)
    # run at exit of the main process (atexit) and of pool workers (multiprocessing's own exit hook)
    multiprocessing.util.Finalize(None, shutil.rmtree, args=(str(folder),), kwargs={"ignore_errors": True},
                                  exitpriority=1)
    return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True


def die_with_parent(parent: int | None = None) -> None:
    """Make this (worker) process end when its parent does: on Linux the kernel sends it
    SIGTERM when the parent dies (prctl PR_SET_PDEATHSIG), so a killed build leaves no
    orphaned renderers. `parent` is the pid expected as parent: if it is already gone
    (it died before this ran), exit at once. Elsewhere a no-op."""
    import os
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: workers still end when their pool shuts down
        return
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def _dir_url(folder: Path) -> str:
    return Path(folder).resolve().as_uri() + "/"


_RENDERERS: dict[tuple[Path, Path], Renderer] = {}


def get_renderer(root: Path, cache_dir: Path | None = None) -> Renderer:
    """The renderer of a project, created once per process (fonts and FontConfiguration are shared)."""
    root = Path(root).resolve()
    cache_dir = Path(cache_dir or root / ".cache").resolve()
    key = (root, cache_dir)
    if key not in _RENDERERS:
        _RENDERERS[key] = Renderer(root, cache_dir)
    return _RENDERERS[key]


def _find_root(start: Path) -> Path:
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / "data").is_dir() and (folder / "theme").is_dir():
            return folder
    return start


def print_css(root: Path) -> str:
    """The shared print stylesheet (theme/pdf/print.css)."""
    return (Path(root) / THEME_PDF / "print.css").read_text(encoding="utf-8")


def render_pdf(html: str, out: Path | None, *, title: str, base_dir: Path, author: str = "",
               created: dt.datetime | dt.date | None = None, lang: str = "zh-CN",
               root: Path | None = None, cache_dir: Path | None = None,
               css: Sequence[str] = (), with_print_css: bool = True) -> RenderResult:
    """Render one HTML document to `out` with the project's fonts, fetcher and print CSS.

    For callers outside the brochures (e.g. the annual report). `root` defaults to the
    project folder above `base_dir`; `cache_dir` to `<root>/.cache`. Fetch refusals are in
    the result's `refused` (the PDF is written anyway; treat a non-empty list as an error).
    Use `body class="a4"` (or "a5") in the HTML to pick the page setup of print.css.
    """
    root = Path(root).resolve() if root else _find_root(base_dir)
    renderer = get_renderer(root, cache_dir)
    theme = root / THEME_PDF
    sheets = ([(print_css(root), theme)] if with_print_css else []) + [(c, theme) for c in css]
    return renderer.render(html, out, title=title, base_dir=base_dir, author=author, created=created,
                           lang=lang, stylesheets=sheets)


__all__ = ["FetchRefused", "Layout", "RenderResult", "Renderer", "die_with_parent", "get_renderer", "render_pdf", "w3c_date",
           "harfbuzz_subset_available"]
