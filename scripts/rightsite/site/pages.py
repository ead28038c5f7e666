"""The website's generated pages as Markdown, from a loaded project. No MkDocs imports.

Each page is (src_uri, markdown, edit_path): src_uri as MkDocs sees it under content/,
edit_path the file an editor changes (a YAML record, or a hand-written intro).
Templates live in theme/pages/*.md.j2 and get HTML-escaped values by default.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..clock import SHANGHAI, start_of_day
from .. import urls
from ..load import Project
from ..urls import SECTION_INTROS
from .feeds import event_jsonld
from .markup import FILTERS, inline



def strip_label(summary: str, name: str) -> str:
    """A law summary that opens with the right's own name ("安全权：…") after "安全权：" on the
    page would read twice: drop the repeated label."""
    for sep in ("：", ":"):
        head, found, rest = summary.partition(sep)
        if found and head.strip() and (head.strip() in name or name in head.strip()):
            return rest.strip()
    return summary


def law_text(text: object) -> Markup:
    """An article's official text: every line is one paragraph (a 款 or a 项), escaped like any
    record text; a line opening with "1." stays text, not a Markdown list."""
    lines = [ln.strip() for ln in str(text or "").splitlines() if ln.strip()]
    return Markup("\n\n".join(re.sub(r"^(\d+)([.)])", r"\1\\\2", str(inline(ln))) for ln in lines))
# a line ending in a Chinese character or full-width punctuation joins the next without a space
_CJK_END = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]$")


def unwrap(text: object) -> str:
    """Wrapped lines of one paragraph joined as a reader expects: no space after a Chinese
    character or punctuation mark, one space between Latin words."""
    out = ""
    for line in (ln.strip() for ln in str(text or "").splitlines()):
        if line:
            out += ("" if not out or _CJK_END.search(out) else " ") + line
    return out


# internal names a figure's definition may mention (files, columns, fields), as a reader says them
_PUBLIC_WORDS = [
    (re.compile(r"\s*amount_recovered（([^（）]*)）"), r"\1"),
    (re.compile(r"closed 填有日期"), "已填写办结日期"),
    (re.compile(r"data/inspections，"), ""),
]
# a parenthesis that only names a file, a column or a field (（recap.attendance）, （held）)
_INTERNAL_PAREN = re.compile(r"（[^（）]*(?:[A-Za-z]+[_./][A-Za-z]|\b[a-z]{3,}\b|\.ya?ml|\.csv)[^（）]*）")
_INTERNAL_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[_./][A-Za-z0-9]+)+|\b[a-z]{3,}\b")


def public_wording(text: str) -> str:
    """A figure's definition for the public report page: without the file paths, column and field
    names the editors' version cites (data/complaints/2025.csv, amount_recovered, recap.attendance)."""
    for pattern, repl in _PUBLIC_WORDS:
        text = pattern.sub(repl, text)
    text = _INTERNAL_PAREN.sub("", text)
    return _INTERNAL_NAME.sub("", text).replace("  ", " ").strip()


def tel(number: str) -> str:
    """A phone number as a tel: link target (digits only; a dialler ignores the rest anyway)."""
    return "tel:" + "".join(ch for ch in number if ch.isdigit() or ch == "+")


def theme_extra(site, today: dt.date) -> dict:
    """What the theme's own templates (footer, 404) print about the publisher, from data/site.yml.
    Values are plain text: the theme escapes them."""
    if site is None:
        return {}
    hotlines = [{"name": c.name, "value": c.value, "tel": tel(c.value), "hours": c.hours}
                for c in site.channels if c.kind == "hotline"]
    return {
        "organiser": site.organiser,
        "address": site.mall.address,
        "hotlines": hotlines,
        # the national number is the same everywhere: shown whether or not a channel lists it
        "national": {"name": "市场监管投诉举报", "value": "12315", "tel": "tel:12315"},
        "icp": site.icp,
        "police_record": site.police_record,
        "year": today.year,
        "since": site.since if site.since and site.since < today.year else None,
    }


def brief(text: object, limit: int = 110) -> str:
    """A page's one-paragraph description (<meta name=description>, the card a shared link
    shows): the text's first sentences up to `limit` characters, cut at a 。 where one falls."""
    flat = " ".join(unwrap(para) for para in str(text or "").split("\n\n") if para.strip())
    flat = re.sub(r"\s+", " ", flat).strip()
    if len(flat) <= limit:
        return flat
    cut = flat.rfind("。", 0, limit)
    return flat[:cut + 1] if cut >= limit // 3 else flat[:limit - 1].rstrip("，、；：") + "…"


def first_paragraph(markdown: str) -> str:
    """The first paragraph of running text of a Markdown page, without its markup, as a brief."""
    for block in re.split(r"\n\s*\n", markdown):
        block = block.strip()
        if not block or block[0] in "#|<!>-*+{" or block[0].isdigit() or block.startswith("---"):
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", block)  # links: their text
        text = re.sub(r"[*_`]+|\{:[^}]*\}", "", text)
        return brief(text)
    return ""


@dataclass
class GeneratedPage:
    src_uri: str
    markdown: str
    edit_path: str | None


def section_intros(root: Path) -> dict[str, str]:
    """The hand-written intros (content/<section>/index.md) that generated section pages include."""
    out = {}
    for uri in sorted(SECTION_INTROS):
        path = root / "content" / uri
        if path.is_file():
            out[uri] = path.read_text(encoding="utf-8")
    return out


def review_notice(last: dt.date | None) -> str:
    """The visible notice on a page past its review date."""
    when = f"{last.year}年{last.month}月{last.day}日" if last else "（日期不详）"
    return (f'<div class="rs-stale" role="note" markdown>\n**本页内容正在复核**，最后审核于 {when}。'
            f"如内容与现行规定不一致，以现行法律法规为准；有疑问请通过[投诉渠道](../channels.md)咨询我们。\n</div>\n\n")


def make_env(theme_dir: Path) -> jinja2.Environment:
    """The page templates' environment. The plugin keeps one for its life, so every rebuild of
    `make serve` reuses the compiled templates (Jinja recompiles one only when its file changes)."""
    # compiled templates are kept in .cache/jinja (next to theme/) so a new process skips compiling
    cache = theme_dir.parent / ".cache" / "jinja"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        bytecode = jinja2.FileSystemBytecodeCache(str(cache))
    except OSError:
        bytecode = None
    env = jinja2.Environment(
        bytecode_cache=bytecode,
        loader=jinja2.FileSystemLoader(str(theme_dir / "pages")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS, lawtext=law_text, unwrap=unwrap, brief=brief)  # every record value is escaped by one of these (site/markup.py)
    # inline SVG must be one raw-HTML line, or Markdown would parse inside it
    env.filters["oneline"] = lambda svg: Markup(" ".join(str(svg).split()))
    env.filters["date"] = lambda d: f"{d.year}年{d.month}月{d.day}日" if d else ""
    # event times are shown in Beijing time whatever offset the record was written with
    env.filters["datetime"] = lambda t: (lambda b: f"{b.year}年{b.month}月{b.day}日 {b:%H:%M}")(t.astimezone(SHANGHAI))
    env.filters["time"] = lambda t: f"{t.astimezone(SHANGHAI):%H:%M}"
    env.filters["bjdate"] = lambda t: t.astimezone(SHANGHAI).date()
    return env


class SiteContent:
    """Builds every generated page of the site for one project and one `today`."""

    def __init__(self, project: Project, today: dt.date, theme_dir: Path, memo: dict | None = None,
                 env: jinja2.Environment | None = None, preview: bool = False):
        self.p = project
        # the editors' preview (`make serve`) also shows draft reports; the public site does not
        self.preview = preview
        self.theme_dir = theme_dir
        # src_uri -> (record, inputs fingerprint, markdown): `make serve` keeps this between
        # rebuilds and re-renders only the pages of records that were re-read
        self.memo = memo if memo is not None else {}
        self.today = today
        self.now = start_of_day(today)
        self.env = env or make_env(theme_dir)
        self.cats = project.categories.record if project.categories else None
        self.site = project.site.record if project.site else None
        from ..guard.stale import overdue_pages

        self.overdue = overdue_pages(project, today)

    # ---- shared context -------------------------------------------------
    def slugs(self) -> dict[str, dict[str, str]]:
        if not self.cats:
            return {}
        return {
            "nature": {n.name: n.slug for n in self.cats.natures},
            "sector": {s.name: s.slug for s in self.cats.sectors},
            "outcome": {o.name: o.slug for o in self.cats.outcomes},
        }

    def cases_sorted(self) -> list:
        return sorted((c.record for c in self.p.cases.values()), key=lambda c: (c.received, c.id), reverse=True)

    def events_split(self) -> tuple[list, list]:
        events = [e.record for e in self.p.events.values()]
        upcoming = sorted((e for e in events if e.is_announced(self.now)), key=lambda e: e.start)
        past = sorted((e for e in events if e not in upcoming), key=lambda e: e.start, reverse=True)
        return upcoming, past

    def base(self, **extra) -> dict:
        ctx = dict(site=self.site, laws={k: v.record for k, v in self.p.laws.items()},
                   cases={k: v.record for k, v in self.p.cases.items()}, today=self.today, now=self.now)
        ctx.update(extra)
        return ctx

    def render(self, template: str, **ctx) -> str:
        return self.env.get_template(template).render(**self.base(**ctx))

    # ---- pages -------------------------------------------------------------
    def pages(self, intros: dict[str, str] | None = None) -> list[GeneratedPage]:
        """All generated pages. `intros` maps a section index src_uri to hand-written Markdown."""
        intros = intros or {}
        # rendered once per loaded project: `rightsite check` renders them to check their links,
        # and the plugin of the same `rightsite build` reuses them
        key = ("site.pages", self.today, str(self.theme_dir), tuple(sorted(intros.items())), self.preview)
        if key in self.p.memo:
            return self.p.memo[key]
        out: list[GeneratedPage] = []
        upcoming, past = self.events_split()
        cases = self.cases_sorted()
        chapters = [c for c in self.p.sorted_chapters()]

        fp = self._fingerprint()

        def record_page(uri: str, loaded, template: str, extra: tuple = (), **ctx) -> GeneratedPage:
            key = (fp, extra)
            hit = self.memo.get(uri)
            if hit is not None and hit[0] is loaded and hit[1] == key:
                return GeneratedPage(uri, hit[2], loaded.file)
            md = self.render(template, **ctx)
            self.memo[uri] = (loaded, key, md)
            return GeneratedPage(uri, md, loaded.file)

        def section(uri: str, template: str, **ctx) -> None:
            intro = intros.get(uri)
            md = self.render(template, intro=intro, **ctx)
            out.append(GeneratedPage(uri, md, f"content/{uri}" if intro is not None else None))

        out.append(GeneratedPage(urls.HOME, self.render(
            "home.md.j2", upcoming=upcoming[:4], latest=cases[:5], chapters=chapters, **self.home()), "data/site.yml"))
        section(urls.HANDBOOK_INDEX, "handbook_index.md.j2", chapters=chapters)
        section(urls.CASES_INDEX, "cases_index.md.j2", cases=cases, facets=self.facets(cases), slugs=self.slugs())
        for facet in self.facets(cases):
            out.append(GeneratedPage(urls.facet(facet["key"]),
                                     self.render("cases_facet.md.j2", facet=facet), "data/categories.yml"))
        slugs = self.slugs()
        for loaded in self.p.cases.values():
            # a case page shows the titles of its related cases, nothing else of other records
            related = tuple((r, self.p.cases[r].record.title) for r in loaded.record.related if r in self.p.cases)
            out.append(record_page(urls.case(loaded.id), loaded, "case.md.j2", related, case=loaded.record, slugs=slugs))
        section(urls.EVENTS_INDEX, "events_index.md.j2", upcoming=upcoming, past=past)
        for loaded in self.p.events.values():
            out.append(record_page(urls.event(loaded.id), loaded, "event.md.j2", event=loaded.record,
                                   upcoming=loaded.record in upcoming, jsonld=Markup(event_jsonld(self.p, loaded.record))))
        standards = sorted((s.record for s in self.p.standards.values()), key=lambda s: s.id)
        from .supervision import merchant_list, yearly_aggregates

        listed = merchant_list(self.p)
        section(urls.STANDARDS_INDEX, "standards_index.md.j2", standards=standards,
                supervision=yearly_aggregates(self.p, self.today), merchant_list=listed,
                report_years=self.supervision_report_years())
        if listed is not None:
            out.append(GeneratedPage(urls.MERCHANT_LIST, self.render("merchants.md.j2", listed=listed), "data/site.yml"))
        for loaded in self.p.standards.values():
            uri = urls.standard(loaded.id)
            notice = review_notice(self.overdue[uri]) if uri in self.overdue else ""
            out.append(GeneratedPage(uri,
                                     self.render("standard.md.j2", std=loaded.record, notice=notice), loaded.file))
        out.append(GeneratedPage(urls.LAWS, self.render("laws.md.j2", groups=self.law_groups(),
                                                        cited_by=self.cited_by()), "data/laws.yml"))
        out.append(GeneratedPage(urls.CHANNELS, self.render("channels.md.j2"), "data/site.yml"))
        out += self.report_pages()
        self.p.memo[key] = out
        return out

    def home(self) -> dict:
        """What the home page features, as declared in data/site.yml `home`: a part whose
        chapter or law is missing is left out (the guard reports it), never a dead link."""
        site = self.site
        chapters = self.p.chapters
        home = site.home if site else None
        rights = None
        if home and home.rights:
            items = [{"name": r.name, "law": r.law, "summary": strip_label(self.p.laws[r.law].record.summary, r.name)}
                     for r in home.rights.items if r.law in self.p.laws]
            if items:
                rights = {"title": home.rights.title, "intro": home.rights.intro, "entries": items}
        channels = site.channels if site else []
        return dict(
            complaint_chapter=chapters.get(home.complaint_chapter or "") if home else None,
            rights=rights,
            rights_chapter=chapters.get(home.rights.chapter or "") if rights and home and home.rights else None,
            desks=[f"{d.name}：{d.value}" for d in channels if d.kind == "desk"],
            national=["全国 12315"] if any(c.kind == "12315" for c in channels) else [],
        )

    def report_views(self) -> list:
        """The years whose report this build shows: all in the preview; on the public site the
        published ones and the drafts data/site.yml lists in `public_drafts`."""
        from ..report.view import year_views

        views = year_views(self.p)
        if self.preview or self.site is None:
            return views
        return [v for v in views if self.site.report_is_public(v.year, v.status)]

    def report_pages(self) -> list[GeneratedPage]:
        from ..report.view import context

        views = self.report_views()
        if not views:
            return []
        pages = [GeneratedPage(urls.REPORTS_INDEX, self.render("reports_index.md.j2", views=views), None)]
        for v in views:
            ctx = context(v)
            ctx["definitions"] = [{**d, "definition": public_wording(d["definition"])} for d in ctx["definitions"]]
            pages.append(GeneratedPage(urls.report(v.year), self.render("report.md.j2", **ctx),
                                       f"data/reports/{v.year}.yml"))
        return pages

    def supervision_report_years(self) -> list[int]:
        """Years whose report page shows a 质量监督 section (figures present and inspections counted)."""
        return [v.year for v in self.report_views() if v.figures.get("supervision.inspections")]

    def chapter_markdown(self, chapter, markdown: str) -> str:
        """A chapter as published: its review date on top, its laws and owner at the end."""
        from ..guard.stale import chapter_review

        rec = chapter.record
        last, _, _ = chapter_review(self.p, chapter, self.today)  # `reviewed`, else the git date
        reviewed = f"{last.year}年{last.month}月{last.day}日" if last else "（日期不详）"
        crumbs = ('<nav class="rs-crumbs" aria-label="当前位置" data-search-exclude="true" markdown="span">[首页](../index.md)'
                  '<span class="rs-crumbs-sep" aria-hidden="true">›</span>[维权手册](index.md)'
                  f'<span class="rs-crumbs-sep" aria-hidden="true">›</span><span aria-current="page">{inline(rec.title)}</span></nav>\n\n')
        head = crumbs + f'<p class="rs-reviewed rs-top">最近审核：{reviewed}</p>\n\n'
        uri = urls.chapter(chapter.file)
        if uri in self.overdue:
            head += review_notice(self.overdue[uri])
        lines = ["", "", "---", ""]
        if rec.laws:
            lines += ["**本章法律依据**", ""]
            for law_id in rec.laws:
                law = self.p.laws.get(law_id)
                label = inline(law.record.label if law else law_id)
                summary = inline(law.record.summary) if law else ""
                lines.append(f"- [{label}](../laws.md#{law_id})：{summary}")
            lines.append("")
        lines.append(f'<p class="rs-reviewed">最近审核：{reviewed} · 负责：{inline(rec.owner)}</p>')
        return head + markdown + "\n".join(lines) + "\n"

    def _fingerprint(self) -> tuple:
        """Everything a record's own page depends on besides the record itself."""
        stamps: list[tuple] = []
        for path in [self.p.root / "data" / n for n in ("site.yml", "laws.yml", "categories.yml")] + \
                sorted((self.theme_dir / "pages").glob("*.j2")):
            try:
                st = path.stat()
                stamps.append((str(path), st.st_mtime_ns, st.st_size))
            except OSError:
                stamps.append((str(path), None))
        return (self.today, tuple(stamps), tuple(sorted(self.overdue)))

    def facets(self, cases: list) -> list[dict]:
        """Grouped lists of cases by nature, sector, year and outcome (work without JavaScript)."""
        if not self.cats:
            return []
        specs = [
            ("nature", "按投诉性质", [n.name for n in self.cats.natures], lambda c: c.nature),
            ("sector", "按行业", [s.name for s in self.cats.sectors], lambda c: c.sector),
            ("year", "按年份", sorted({str(c.received.year) for c in cases}, reverse=True), lambda c: str(c.received.year)),
            ("outcome", "按处理结果", [o.name for o in self.cats.outcomes], lambda c: c.outcome),
        ]
        slugs = self.slugs()
        facets = []
        for key, label, order, keyfn in specs:
            groups = defaultdict(list)
            for c in cases:
                groups[keyfn(c)].append(c)
            facets.append({
                "key": key, "label": label,
                "groups": [{"name": name, "anchor": slugs.get(key, {}).get(name, name), "cases": groups[name]}
                           for name in order if groups.get(name)],
            })
        return facets

    def law_groups(self) -> list[dict]:
        groups: dict[str, list] = {}
        for loaded in self.p.laws.values():
            groups.setdefault(loaded.record.law, []).append(loaded.record)
        return [{"law": law, "short": items[0].short, "articles": items} for law, items in groups.items()]

    def cited_by(self) -> dict[str, list[tuple[str, str]]]:
        """law id -> [(label, link from laws.md)] of every record that cites it (the same
        citations the staleness check walks), each record once per law."""
        from ..guard.stale import citations

        out: dict[str, dict[str, str]] = defaultdict(dict)
        for item, _, law_id, _ in citations(self.p):
            folder, stem = item.file.split("/")[-2], Path(item.file).stem
            kind, page = {"handbook": ("手册", urls.chapter(item.file)), "cases": ("案例", urls.case(stem)),
                          "standards": ("标准", urls.standard(stem))}[folder]
            out[law_id].setdefault(page, f"{kind}：{item.record.title}")
        return {law: [(label, page) for page, label in pages.items()] for law, pages in out.items()}

