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
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from ..check import check_project
from ..clock import build_today
from .pages import SECTION_INTROS, SiteContent

log = logging.getLogger("mkdocs.plugins.rightsite")

# `rightsite build` has already loaded and checked the project: it leaves it here
# as (root, today, project, problems) so the plugin does not read everything twice.
PRELOADED: tuple | None = None


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
        self.root: Path | None = None

    # -- config ---------------------------------------------------------------
    def on_startup(self, *, command, dirty):
        """Having this event keeps the plugin alive across `mkdocs serve` rebuilds."""
        self.serving = command == "serve"
        self.dirty = dirty

    def on_config(self, config):
        self.root = Path(self.config.root or Path(config.config_file_path).parent).resolve()
        try:
            today = build_today()
        except ValueError as exc:
            raise PluginError(f"日期无效（RIGHTSITE_TODAY 或 SOURCE_DATE_EPOCH）：{exc}") from None
        if PRELOADED and PRELOADED[0] == self.root and PRELOADED[1] == today:
            project, problems = PRELOADED[2], PRELOADED[3]  # already printed by `rightsite build`
        else:
            project, problems = check_project(self.root, today)
            for problem in problems.sorted():
                # guard warnings (stale content) must not abort MkDocs' own strict mode: log them as info
                (log.error if problem.level == "error" else log.info)(problem.text())
        if problems.failed(self.config.strict_guard):
            c_ = problems.counts()
            raise PluginError(f"rightsite check 发现 {c_['error']} 个错误、{c_['warning']} 个警告，未生成网站。"
                              f" Fix the problems above and build again.")
        self.project = project
        self.content = SiteContent(project, today, self.root / self.config.theme_dir,
                                   memo=self.page_memo if self.serving else None)
        site = project.site.record
        config.site_url = site.base_url
        if site.repo_url:
            config.repo_url = site.repo_url
            config.repo_name = "源文件"
            config.edit_uri = (site.edit_uri or "") + "content/"
        config.nav = self._nav()
        return config

    def _nav(self) -> list:
        # titles are record text: escaped, since the theme prints nav titles as HTML
        chapters = [{html.escape(ch.record.title): f"handbook/{Path(ch.file).name}"}
                    for ch in self.project.sorted_chapters()]
        nav = [
            {"首页": "index.md"},
            {"维权手册": ["handbook/index.md", *chapters]},
            {"典型案例": "cases/index.md"},
            {"宣传活动": "events/index.md"},
            {"服务标准": "standards/index.md"},
        ]
        from ..report.cli import available_years

        assert self.root is not None  # set by on_config, which calls this
        if available_years(self.root):
            nav.append({"年度报告": "reports/index.md"})
        nav += [{"法律依据": "laws.md"}, {"投诉渠道": "channels.md"}]
        return nav

    # -- files ----------------------------------------------------------------
    @event_priority(50)
    def on_files(self, files: Files, config) -> Files:
        intros: dict[str, str] = {}
        for uri in SECTION_INTROS:
            existing = files.get_file_from_path(uri)
            if existing is not None:
                assert existing.abs_src_path is not None  # a file of docs_dir, not a generated one
                intros[uri] = Path(existing.abs_src_path).read_text(encoding="utf-8")
                files.remove(existing)
        self.edit_paths = {}
        assert self.content is not None  # set by on_config
        for page in self.content.pages(intros):
            if files.get_file_from_path(page.src_uri) is not None:
                raise PluginError(f"content/{page.src_uri} 与自动生成的页面重名。请删除或改名该文件。")
            file = File.generated(config, page.src_uri, content=page.markdown)
            if self.serving and self.dirty and self.previous.get(page.src_uri) == page.markdown:
                # `make serve`: an unchanged generated page keeps its HTML from the last build
                file.is_modified = lambda: False  # type: ignore[method-assign]
            self.previous[page.src_uri] = page.markdown
            files.append(file)
            if page.edit_path:
                self.edit_paths[page.src_uri] = page.edit_path
        return files

    # -- pages ----------------------------------------------------------------
    def on_page_markdown(self, markdown, page, config, files):
        uri = page.file.src_uri
        if uri.startswith("handbook/") and uri != "handbook/index.md":
            chapter = self.project.chapters.get(Path(uri).stem)
            if chapter is not None:
                # the handbook is the canonical answer: rank chapters above cases and events
                page.meta.setdefault("search", {}).setdefault("boost", 4)
                page.meta["title"] = html.escape(chapter.record.title)  # the theme prints titles as HTML
                return self.content.chapter_markdown(chapter, markdown)
        return markdown

    def on_page_context(self, context, page, config, nav):
        path = self.edit_paths.get(page.file.src_uri)
        if path and config.repo_url:
            base = config.repo_url.rstrip("/") + "/" + (self.project.site.record.edit_uri or "")
            page.edit_url = base + path
        elif page.file.generated_by and not path:
            page.edit_url = None
        return context

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, config):
        """Calendars and the feed beside the pages; a lighter search index; gzip twins."""
        from .feeds import atom_feed, event_ics, events_ics

        site_dir = Path(config.site_dir)
        today = self.content.today
        (site_dir / "events.ics").write_bytes(events_ics(self.project, today))
        (site_dir / "feed.xml").write_bytes(atom_feed(self.project, today))
        for loaded in self.project.events.values():
            path = site_dir / "events" / f"{loaded.id}.ics"
            hit = self.ics_memo.get(loaded.id)
            if self.serving and hit is not None and hit[0] is loaded and hit[1] == today and path.exists():
                continue  # `make serve`: unchanged event, its calendar file is already there
            path.write_bytes(event_ics(self.project, loaded.record, today))
            self.ics_memo[loaded.id] = (loaded, today)
        from .weight import compact_search_index, precompress

        compact_search_index(site_dir / "search" / "search_index.json")
        if not self.serving:
            precompress(site_dir)

    def on_serve(self, server, config, builder):
        server.watch(str(self.root / "data"))
        server.watch(str(self.root / self.config.theme_dir))
        return server
