"""The MkDocs plugin: thin event handlers routing to the data layer and page builders.

on_config  loads and checks the project (errors stop `mkdocs build` with the same
           messages as `rightsite check`), and sets nav, site_url and edit links from data
on_files   adds the generated pages as virtual files (nothing is written into content/)
on_page_markdown  decorates handbook chapters (review date, laws cited)
on_page_context   points each generated page's edit link at its YAML file
on_serve   watches data/ so `make serve` reloads on record edits
"""
from __future__ import annotations

import html
import logging
import os
from pathlib import Path

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from ..check import check_project
from ..clock import build_today
from .. import urls
from ..urls import SECTION_INTROS
from ..load import LoadCache
from ..problems import Problems
from . import preview
from . import share
from .pages import SiteContent, first_paragraph, make_env, section_intros, theme_extra

log = logging.getLogger("mkdocs.plugins.rightsite")


class RightsiteConfig(Config):
    root = c.Optional(c.Type(str))
    theme_dir = c.Type(str, default="theme")
    strict_guard = c.Type(bool, default=False)  # warnings of the guard fail the build too


class RightsitePlugin(BasePlugin[RightsiteConfig]):
    """Generates the data-driven pages of the rights website."""

    def __init__(self):
        self.serving = False
        self.dirty = False
        self.previous: dict[str, str] = {}  # src_uri -> markdown of the last build (serve --dirty)
        self.page_memo: dict = {}  # rendered record pages, reused while their record is unchanged
        self.ics_memo: dict = {}
        self.project = None
        self.content: SiteContent | None = None
        self.edit_paths: dict[str, str] = {}
        self.preview: dict | None = None  # `make serve` with problems: file -> its problems (site/preview.py)
        self.preview_problems = Problems()
        self.shown_problems: list = []  # those the pages of the last `make serve` build showed
        self.root: Path | None = None
        # set by `rightsite build`: (today, project, problems) it has already checked, so the
        # project is not read twice; `downloads` false leaves the PDFs to the caller (bench)
        self.preloaded: tuple | None = None
        self.downloads = True
        self.timings: dict[str, float] = {}
        self.load_cache = LoadCache()  # parsed files reused across `make serve` rebuilds
        self.env: jinja2.Environment | None = None  # compiled page templates, likewise
        self.activated = None  # the section tab switched on for the page being rendered
        self.share = False  # pages point og:image at the pictures drawn after the build
        self.share_drawn: tuple | None = None  # what the pictures were last drawn from (make serve)

    # -- config ---------------------------------------------------------------
    def on_startup(self, *, command, dirty):
        """Having this event keeps the plugin alive across `mkdocs serve` rebuilds."""
        self.serving = command == "serve"
        self.dirty = dirty

    @property
    def preview_build(self) -> bool:
        """The editors' preview: `make serve`, or a build with RIGHTSITE_PREVIEW=1. It keeps the
        links to the repository and the edit pencils, and shows draft reports."""
        return self.serving or os.environ.get("RIGHTSITE_PREVIEW") == "1"

    def on_config(self, config):
        self.root = Path(self.config.root or Path(config.config_file_path).parent).resolve()
        try:
            today = build_today()
        except ValueError as exc:
            raise PluginError(f"日期无效（RIGHTSITE_TODAY 或 SOURCE_DATE_EPOCH）：{exc}") from None
        if self.preloaded and self.preloaded[0] == today and self.preloaded[1].root == self.root:
            project, problems = self.preloaded[1], self.preloaded[2]  # already printed by `rightsite build`
        else:
            project, problems = check_project(self.root, today, self.load_cache)
            for problem in problems.sorted():
                # guard warnings (stale content) must not abort MkDocs' own strict mode: log them as info
                (log.error if problem.level == "error" else log.info)(problem.text())
        c_ = problems.counts()
        if problems.failed(self.config.strict_guard):
            if not (self.serving and project.site is not None):
                raise PluginError(f"rightsite check 发现 {c_['error']} 个错误、{c_['warning']} 个警告，未生成网站。"
                                  f" Fix the problems above and build again.")
            log.warning(f"预览：发现 {c_['error']} 个错误、{c_['warning']} 个警告，已显示在对应页面的顶部；"
                        "公开发布（rightsite build）前必须改正。 Preview only: problems are shown on their pages.")
        # `make serve`: problems shown on the pages (site/preview.py); the public build has none to show
        self.preview = preview.by_file(problems) if self.serving and problems.items else None
        self.preview_problems = problems
        self.project = project
        theme = self.root / self.config.theme_dir
        self.env = self.env or make_env(theme)
        self.content = SiteContent(project, today, theme, memo=self.page_memo if self.serving else None, env=self.env,
                                   preview=self.preview_build)
        site = project.site.record
        # the theme prints these into <title>, the header and <meta> unescaped
        config.site_name = html.escape(site.title)
        config.site_description = html.escape(site.description)
        config.site_url = site.base_url
        if site.repo_url and self.preview_build:  # the public site links to no internal git host
            config.repo_url = site.repo_url
            config.repo_name = "源文件"
            config.edit_uri = (site.edit_uri or "") + "content/"
        config.nav = self._nav()
        # the footer and the 404 page print the publisher from data/site.yml
        config.extra["rightsite"] = theme_extra(site, today)
        self.share = share.available()
        # pages outside the nav of pages (404.html) share the home page's picture
        config.extra["rightsite"]["share_image"] = share.image_path("home") if self.share else None
        return config

    def _nav(self) -> list:
        # titles are record text: escaped, since the theme prints nav titles as HTML
        chapters = [{html.escape(ch.record.title): urls.chapter(ch.file)}
                    for ch in self.project.sorted_chapters()]
        nav = [
            {"首页": urls.HOME},
            {"维权手册": [urls.HANDBOOK_INDEX, *chapters]},
            {"典型案例": [urls.CASES_INDEX, *self._facet_nav()]},
            {"宣传活动": urls.EVENTS_INDEX},
            {"服务标准": urls.STANDARDS_INDEX},
        ]
        if self.content is not None and self.content.report_views():
            nav.append({"年度报告": urls.REPORTS_INDEX})
        nav += [{"法律依据": urls.LAWS}, {"投诉渠道": urls.CHANNELS}]
        return nav

    def _facet_nav(self) -> list[dict]:
        """The case library's browse pages (按投诉性质, 按行业, ...) under its tab: the sidebar of
        a case lists them, not only the section's own title."""
        if self.content is None:
            return []
        return [{facet["label"]: urls.facet(facet["key"])} for facet in self.content.facets([])]

    # -- files ----------------------------------------------------------------
    @event_priority(50)
    def on_files(self, files: Files, config) -> Files:
        assert self.root is not None  # set by on_config
        intros = section_intros(self.root)
        for uri in SECTION_INTROS:
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
        self.edit_paths = {}
        assert self.content is not None  # set by on_config
        same_problems = self.shown_problems == self.preview_problems.items  # else every page's banner changes
        self.shown_problems = list(self.preview_problems.items)
        for page in self.content.pages(intros):
            if files.get_file_from_path(page.src_uri) is not None:
                raise PluginError(f"content/{page.src_uri} 与自动生成的页面重名。请删除或改名该文件。")
            file = File.generated(config, page.src_uri, content=page.markdown)
            if self.serving and self.dirty and self.previous.get(page.src_uri) == page.markdown and same_problems:
                # `make serve`: an unchanged generated page keeps its HTML from the last build
                file.is_modified = lambda: False  # type: ignore[method-assign]
            self.previous[page.src_uri] = page.markdown
            files.append(file)
            if page.edit_path:
                self.edit_paths[page.src_uri] = page.edit_path
        if self.preview is not None:
            for uri, markdown in preview.stand_ins(self.project, self.preview):
                if files.get_file_from_path(uri) is None:
                    files.append(File.generated(config, uri, content=markdown))
        return files

    # -- pages ----------------------------------------------------------------
    def on_page_markdown(self, markdown, page, config, files):
        uri = page.file.src_uri
        if isinstance(page.meta.get("description"), str):  # the theme prints it into <meta> unescaped
            page.meta["description"] = html.escape(page.meta["description"])
        if uri.startswith("handbook/") and uri != urls.HANDBOOK_INDEX:
            chapter = self.project.chapters.get(Path(uri).stem)
            if chapter is not None:
                # the handbook is the canonical answer: rank chapters above cases and events
                page.meta.setdefault("search", {}).setdefault("boost", 4)
                page.meta["title"] = html.escape(chapter.record.title)  # the theme prints titles as HTML
                # <meta name=description> and the shared card: the chapter's own, else its first paragraph
                page.meta["description"] = html.escape(chapter.record.description or first_paragraph(markdown))
                return self.content.chapter_markdown(chapter, markdown)
        return markdown

    def on_page_content(self, html_, page, config, files):
        """Hand-written pages (chapters, content/*.md) publish only the allow-list of site/markup.py (the guard
        has reported what is dropped: link.html, link.scheme); in `make serve`, the problems box on top."""
        from .markup import sanitize_html

        if page.file.generated_by is None:
            html_ = sanitize_html(html_)
        if self.preview is None:
            return html_
        uri = page.file.src_uri
        file = self.edit_paths.get(uri) or (f"content/{uri}" if not page.file.generated_by else None)
        top = preview.page_box(self.preview[file]) if file in self.preview else ""
        if uri == urls.HOME:
            shown = set(self.edit_paths.values()) | {ch.file for ch in self.project.chapters.values()} \
                | {rel for records in self.project.invalid.values() for rel, _ in records.values()}
            rest = [p for f, found in self.preview.items() if f not in shown for p in found]
            if rest:
                top += preview.box(rest, "预览：以下文件的问题不在任何页面上")
        return preview.summary_line(self.preview_problems) + top + html_

    def on_page_context(self, context, page, config, nav):
        path = self.edit_paths.get(page.file.src_uri)
        if path and config.repo_url:
            base = config.repo_url.rstrip("/") + "/" + (self.project.site.record.edit_uri or "")
            page.edit_url = base + path
        elif page.file.generated_by and not path:
            page.edit_url = None
        if self.share:  # the picture a shared link shows: one per page type
            page.meta["share_image"] = share.image_path(share.page_type(page.file.src_uri))
        # a page outside the nav (a case, an event, a standard, a report) lights its section's tab
        section = self._section_of(page, nav)
        if section is not None and not section.active:
            section.active = True
            self.activated = section
        # a section that is a single page (宣传活动, 服务标准, ...) would leave the desktop sidebar with
        # its own title alone: the page takes the room (the phone's menu still lists every section)
        top = section or page
        while top.parent is not None:
            top = top.parent
        if not top.is_section and "navigation" not in page.meta.get("hide", []):
            page.meta["hide"] = [*page.meta.get("hide", []), "navigation"]
        return context

    @staticmethod
    def _section_of(page, nav):
        uri = page.file.src_uri
        folder, _, name = uri.rpartition("/")
        if not folder or name == "index.md" or page in nav.pages:
            return None
        return next((p for p in nav.pages if p.file.src_uri == f"{folder}/index.md"), None)

    def on_post_page(self, output, page, config):
        if self.activated is not None:  # nav items are shared by every page: switch it off again
            self.activated.active = False
            self.activated = None
        return output

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, config):
        """Calendars and the feed beside the pages; a lighter search index; gzip twins."""
        from .feeds import atom_feed, event_ics, events_ics

        site_dir = Path(config.site_dir)
        today = self.content.today
        (site_dir / urls.CALENDAR).write_bytes(events_ics(self.project, today))
        (site_dir / urls.FEED).write_bytes(atom_feed(self.project, today))
        for loaded in self.project.events.values():
            path = site_dir / urls.event_calendar(loaded.id)
            hit = self.ics_memo.get(loaded.id)
            if self.serving and hit is not None and hit[0] is loaded and hit[1] == today and path.exists():
                continue  # `make serve`: unchanged event, its calendar file is already there
            path.write_bytes(event_ics(self.project, loaded.record, today))
            self.ics_memo[loaded.id] = (loaded, today)
        from .weight import compact_search_index, precompress

        from .synonyms import add_synonyms, load_groups

        search_dir = self.root / self.config.theme_dir / "search"
        add_synonyms(site_dir / "search" / "search_index.json", load_groups(search_dir / "synonyms.txt"),
                     search_dir / "userdict.txt")
        compact_search_index(site_dir / "search" / "search_index.json")
        self._share_images(site_dir)
        if self.downloads:
            self._downloads(site_dir)
        if not self.serving:
            precompress(site_dir)
        else:  # the preview only: the form-based editor at /admin/ (the public site has none)
            from ..cms import write_admin

            write_admin(self.root, site_dir)

    def _share_images(self, site_dir: Path) -> None:
        site = self.content.site if self.content is not None else None
        if not self.share or site is None:
            return
        hotlines = [c.value for c in site.channels if c.kind == "hotline"]
        inputs = (site.title, site.organiser, hotlines[0] if hotlines else None)
        if self.serving and self.share_drawn == inputs and (site_dir / share.image_path("home")).exists():
            return  # `make serve`: the pictures of the last build still hold
        share.write_share_images(site_dir, *inputs, cache_dir=self.root / ".cache" / "share" if self.root else None)
        self.share_drawn = inputs

    def _downloads(self, site_dir: Path) -> None:
        """PDFs beside the pages, so `mkdocs build`, `make serve` and `rightsite build` publish
        the same site; then (not while serving) the personal-data scan of all of it."""
        import time

        from ..build import downloads_phase, output_scan_phase

        assert self.content is not None  # set by on_config
        phases = [("pdfs", downloads_phase)] + ([] if self.serving else [("output_scan", output_scan_phase)])
        for name, phase in phases:
            t0 = time.perf_counter()
            found = phase(self.project, self.content.today, site_dir)
            self.timings[name] = time.perf_counter() - t0
            for problem in found.sorted():
                (log.error if problem.level == "error" else log.info)(problem.text())
            if found.failed(self.config.strict_guard):
                c_ = found.counts()
                raise PluginError(f"发现 {c_['error']} 个错误、{c_['warning']} 个警告，未生成网站。"
                                  " Fix the problems above and build again.")

    def on_serve(self, server, config, builder):
        server.watch(str(self.root / "data"))
        server.watch(str(self.root / self.config.theme_dir))
        return server
