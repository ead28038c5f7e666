"""The printed documents as HTML: the handbook brochure, the service standards, the event flyers.

Reading is separate from rendering: `Brochures.documents()` turns the loaded project into
`Document`s (HTML, metadata, the source files each one was made from, and the problems
found while making it: outside references, characters no font covers). Rendering, caching
and writing are in `build_pdfs` (this package's __init__). Chapter Markdown is editor-written and
becomes HTML through `markdown`; record text is data and is always HTML-escaped.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator
from urllib.parse import urljoin, urlparse

import jinja2
import markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from .. import urls
from ..clock import SHANGHAI, start_of_day
from ..load import Loaded, Project
from ..site.markup import paragraphs, sanitize_html  # a chapter prints the website's allow-list of HTML
from ..yamlio import dotted
from .fetcher import ProjectFetcher, scan_html
from .fonts import FontSet, describe_char
from .qr import printed_url, qr_data_url, short_url

THEME_PDF = Path("theme") / "pdf"
MD_EXTENSIONS = ["admonition", "tables", "attr_list", "md_in_html"]
WEEKDAYS = "一二三四五六日"
DIGITS = "零一二三四五六七八九"
LEVEL_CLASS = {"必须": "must", "应当": "should", "建议": "may"}
FLYER_DESCRIPTION_CHARS = 180
FLYER_NOTE_CHARS = 90


# ---- small formatting helpers ------------------------------------------------------------
def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五, 120 -> 一百二十 (chapter numbers)."""
    if n < 10:
        return DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        head = "" if tens == 1 else DIGITS[tens]
        return head + "十" + (DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if not rest:
            return DIGITS[hundreds] + "百"
        tail = ("零" + DIGITS[rest]) if rest < 10 else (DIGITS[rest // 10] + "十" + (DIGITS[rest % 10] if rest % 10 else ""))
        return DIGITS[hundreds] + "百" + tail
    return str(n)


def cn_date(d: dt.date | None) -> str:
    """2026-10-15 -> 2026年10月15日."""
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def event_when(start: dt.datetime, end: dt.datetime) -> tuple[str, str]:
    """("2026年12月10日（星期四）", "09:30–11:30") in Beijing time; multi-day events name both days."""
    s, e = start.astimezone(SHANGHAI), end.astimezone(SHANGHAI)
    day = f"{cn_date(s.date())}（星期{WEEKDAYS[s.weekday()]}）"
    if s.date() == e.date():
        return day, f"{s:%H:%M}–{e:%H:%M}"
    return day, f"{s:%H:%M} 至 {e.month}月{e.day}日（星期{WEEKDAYS[e.weekday()]}）{e:%H:%M}"


def html_paragraphs(text: object) -> Markup:
    """Record text as HTML for print: the website's escaping (site.markup.paragraphs), rendered
    by Markdown, so lists, joined CJK lines and escaping are the same in both places."""
    if isinstance(text, str):
        return _str_paragraphs(text)  # a clause prints in five documents: converted once
    return Markup(markdown.markdown(str(paragraphs(text)), output_format="html"))


@functools.lru_cache(maxsize=4096)
def _str_paragraphs(text: str) -> Markup:
    return Markup(markdown.markdown(str(paragraphs(text)), output_format="html"))


def short_description(text: str, limit: int = FLYER_DESCRIPTION_CHARS) -> str:
    """The first paragraph, cut after the last full sentence that fits in `limit` characters."""
    first = re.split(r"\n\s*\n", (text or "").strip())[0]
    first = "".join(ln.strip() for ln in first.split("\n"))
    if len(first) <= limit:
        return first
    cut = max(first.rfind(p, 0, limit) for p in "。！？")
    if cut > limit // 3:
        return first[: cut + 1]
    cut = max(first.rfind(p, 0, limit) for p in "；，")
    return first[:cut] + "。" if cut > limit // 3 else first[: limit - 2] + "……"


FLYER_WIDTH_MM = 178  # the flyer's text width (A4 less its margins, print.css @page flyer)
PT_MM = 25.4 / 72
TITLE_PT = (28.0, 46.0)  # the flyer title's smallest and largest size
FLYER_DENSITIES = (("", 46.0), ("dense", 38.0), ("denser", 32.0))  # (class, largest title size)
TITLE_BREAK = re.compile(r"(?<=[：:，,、；！？｜—）])|(?=（)|(?<=\S) (?=\S)")


def _ems(text: str) -> float:
    """Printed width in em: CJK and full-width characters 1, ASCII about half."""
    return sum(0.55 if ord(c) < 0x2E80 else 1.0 for c in text)


def flyer_title(title: str, max_pt: float = TITLE_PT[1]) -> tuple[list[str], str]:
    """The flyer title as lines and an inline style, set as for a poster: as large as fits
    (28–46 pt); on one line when it fits at 40 pt, else on one line or on two broken at a
    natural pause (after ：，、, before （), whichever is larger; a title too long for either at 32 pt wraps in lines of even length
    (the width of its box), so no line is left with one or two characters."""
    lo, hi = TITLE_PT[0], max_pt

    def fit(ems: float) -> float:  # the size (pt) at which `ems` fills the width
        return FLYER_WIDTH_MM / (ems + 0.3) / PT_MM

    total = _ems(title)
    best = (fit(total), [title])
    cuts = [m.start() for m in TITLE_BREAK.finditer(title) if 0 < m.start() < len(title)]
    if cuts and best[0] < 40:
        i = min(cuts, key=lambda i: max(_ems(title[:i]), _ems(title[i:])))
        pieces = [title[:i].rstrip(), title[i:].lstrip()]
        longest = max(_ems(p) for p in pieces)
        if longest <= 0.75 * total and fit(longest) > best[0]:
            best = (fit(longest), pieces)
    if best[0] >= 32:
        return best[1], f"font-size: {min(hi, best[0]):.1f}pt"
    for lines in (2, 3, 4):
        per = -(-total // lines)  # em per line
        if fit(per) >= 32:
            break
    size = min(hi, max(lo, fit(per)))
    box = min(FLYER_WIDTH_MM, (per + 0.8) * size * PT_MM)
    return [title], f"font-size: {size:.1f}pt; max-width: {box:.1f}mm"


def source_date(dates: list[dt.date]) -> dt.datetime:
    """The fixed date a PDF says it was made: SOURCE_DATE_EPOCH if set, else the latest date of its sources."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=SHANGHAI)
    return start_of_day(max(dates) if dates else dt.date(2000, 1, 1))


# ---- where a printed character came from ------------------------------------------------
@dataclass
class Source:
    """A file a document was made from: its lines, and for YAML the parsed values with their lines."""

    file: str
    lines: list[str]
    values: list[tuple[int, str, str]] = field(default_factory=list)  # (line, field, text) of YAML strings
    body_from: int = 0  # chapters: first line of the body (front matter before it)

    def locate(self, ch: str) -> list[tuple[int, str]]:
        """(line, field) of every place `ch` appears, at most a few per field."""
        found: list[tuple[int, str]] = []
        if self.values:
            for line, fld, text in self.values:
                if ch not in text:
                    continue
                span = text.count("\n") + 2
                exact = next((i for i in range(line, min(line + span, len(self.lines)) + 1)
                              if ch in self.lines[i - 1]), line)
                found.append((exact, fld))
            return found
        for i, text in enumerate(self.lines, 1):
            if ch in text:
                found.append((i, "body" if i >= self.body_from else "front matter"))
        return found


def _walk(data, path=()) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _walk(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _walk(v, path + (i,))
    elif isinstance(data, str):
        yield path, data


def yaml_source(project: Project, loaded: Loaded) -> Source:
    """A YAML record as a Source: every string value with the line it is on."""
    data = loaded.doc.data
    for part in loaded.base:
        data = data[part]
    values = [(loaded.doc.line_of(loaded.base + p), dotted(p), text) for p, text in _walk(data)]
    return Source(loaded.file, _file_lines(project.root / loaded.file), values)


def chapter_source(project: Project, loaded: Loaded) -> Source:
    """A handbook chapter as a Source: its raw lines (front matter and body)."""
    return Source(loaded.file, _file_lines(project.root / loaded.file), body_from=loaded.body_line)


def _file_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").split("\n")
    except OSError:
        return []


class _TextOf(HTMLParser):
    """The text a reader sees: character data outside <head>, <style>, <script>, plus printed attributes."""

    PRINTED_ATTRS = ("data-short", "data-label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("head", "style", "script", "title"):
            self._skip += 1
        for k, v in attrs:
            if k in self.PRINTED_ATTRS and v:
                self.parts.append(v)

    def handle_endtag(self, tag) -> None:
        if tag in ("head", "style", "script", "title") and self._skip:
            self._skip -= 1

    def handle_data(self, data) -> None:
        if not self._skip:
            self.parts.append(data)


def printed_text(html: str) -> str:
    """The characters a reader of the rendered `html` sees (what the fonts must cover)."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
CSS_STRING = re.compile(r"\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'")


def css_printed_text(css: str) -> str:
    """Every quoted string of the stylesheet: what `content:` and `string-set:` print (and harmless font names)."""
    return "".join(a or b for a, b in CSS_STRING.findall(CSS_COMMENT.sub("", css)))


# ---- the documents ----------------------------------------------------------------------
@dataclass
class Document:
    """One PDF to make: its HTML and metadata, what it was made from, and what is wrong with it."""

    output: str  # relative to the site folder, e.g. "downloads/handbook.pdf"
    kind: str  # handbook / standards / standard / checklist / flyer / poster
    title: str
    html: str
    base_dir: Path
    created: dt.datetime
    template: str  # theme/pdf/<name>.html.j2, for problems the template itself causes
    sources: list[Source] = field(default_factory=list)
    resources: list[Path] = field(default_factory=list)  # local files the HTML references
    variants: list[str] = field(default_factory=list)  # tighter set-ups of `html`, tried in turn when it needs a second page
    # outputs whose pages, in this order, make this document (laid out once for both; `html` is
    # then what it prints, for the checks, and how it is laid out when a part cannot be made)
    parts: list[str] = field(default_factory=list)
    problems: list[tuple[str, str, int, str, str]] = field(default_factory=list)  # (rule, file, line, field, message)


CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u201c\u201d"
CJK_GAP = re.compile(f"(?<=[{CJK}])\\s+(?=[{CJK}])")
CJK_CHAR = re.compile(f"[{CJK}]")
SHORT_CELL = 6  # table cells of at most this many characters do not wrap


class _ForPaper(Treeprocessor):
    """Prepare a chapter for paper: links become page references or short URLs, spaces between
    Chinese characters (from wrapped source lines or after full-width punctuation) go, and short
    table cells keep to one line."""

    def __init__(self, md, resolve):
        super().__init__(md)
        self.resolve = resolve

    def run(self, root):
        for el in root.iter("a"):
            self.resolve(el)
        for el in root.iter():
            if el.text:
                el.text = CJK_GAP.sub("", el.text)
            if el.tail:
                el.tail = CJK_GAP.sub("", el.tail)
        for parent in root.iter():
            before = None  # the element whose text/tail precedes the child
            for child in list(parent):
                prev = parent.text if before is None else before.tail
                first = "".join(child.itertext())[:1]
                if prev and prev[-1:].isspace() and CJK_CHAR.match(prev.rstrip()[-1:] or " ") and CJK_CHAR.match(first or " "):
                    if before is None:
                        parent.text = prev.rstrip()
                    else:
                        before.tail = prev.rstrip()
                tail = child.tail or ""
                last = "".join(child.itertext())[-1:]
                if tail[:1].isspace() and CJK_CHAR.match(last or " ") and CJK_CHAR.match(tail.lstrip()[:1] or " "):
                    child.tail = tail.lstrip()
                before = child
        for cell in (*root.iter("td"), *root.iter("th")):
            if len("".join(cell.itertext()).strip()) <= SHORT_CELL:
                cell.set("class", (cell.get("class", "") + " short").strip())


class Brochures:
    """Builds the HTML of every printed document of a project for one `today`."""

    def __init__(self, project: Project, today: dt.date, fonts: FontSet, fetcher: ProjectFetcher):
        self.p = project
        self.today = today
        self.now = start_of_day(today)
        self.fonts = fonts
        self.fetcher = fetcher
        assert project.site is not None  # build_pdfs stops without data/site.yml
        self.site = project.site.record
        self.base_url = self.site.base_url
        self.theme = project.root / THEME_PDF
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.theme)), autoescape=True,
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.filters.update(date=cn_date, paras=html_paragraphs, short=printed_url, qr=qr_data_url,
                                cn=cn_number)
        self.css = (self.theme / "print.css").read_text(encoding="utf-8")
        self.css_text = css_printed_text(self.css)
        self.site_source = yaml_source(project, project.site)
        self.laws = {k: v.record for k, v in project.laws.items()}
        self.logo = self._logo()
        # inlined: WeasyPrint names an image after its URL, and a file URL would make the PDF's bytes
        # depend on where the project is checked out (the caches and reproducible builds compare them)
        self._logo_uri = _data_uri(self.logo) if self.logo else ""
        self._sources: dict[tuple[str, tuple], Source] = {}
        self._ctxs: dict[str, dict] = {}

    def source(self, loaded: Loaded) -> Source:
        """yaml_source of a record, made once per build (a law is a source of many documents)."""
        key = (loaded.file, tuple(loaded.base))
        if key not in self._sources:
            self._sources[key] = yaml_source(self.p, loaded)
        return self._sources[key]

    def _logo(self) -> Path | None:
        """The file of site.yml's `logo` (under content/), or None (a missing file is `check`'s ref.file error)."""
        path = self.p.root / "content" / self.site.logo if self.site.logo else None
        return path if path is not None and path.is_file() else None

    # ---- shared ---------------------------------------------------------------------------
    def render(self, template: str, base_dir: Path | None = None, **ctx) -> str:
        """The template's HTML; `logo` is the logo's path relative to `base_dir` (the document's), or ""."""
        logo = self._logo_uri if self.logo and base_dir else ""
        return self.env.get_template(template).render(site=self.site, base_url=self.base_url, logo=logo, **ctx)

    def law_label(self, law_id: str) -> str:
        law = self.laws.get(law_id)
        return law.label if law else law_id

    def law_sources(self, ids) -> list[Source]:
        return [self.source(self.p.laws[i]) for i in dict.fromkeys(ids) if i in self.p.laws]

    def check_text(self, doc: Document) -> None:
        """Every printed character must be in every font; name the file and line of each one that is not."""
        template_src = Source(doc.template, _file_lines(self.p.root / doc.template))
        css_src = Source((THEME_PDF / "print.css").as_posix(), self.css.split("\n"))
        for ch in self.fonts.uncovered(printed_text(doc.html) + self.css_text):
            places = [(s.file, line, fld) for s in doc.sources for line, fld in s.locate(ch)]
            if not places:
                places = [(s.file, line, fld) for s in (template_src, css_src) for line, fld in s.locate(ch)]
            for file, line, fld in places[:20] or [(doc.template, 1, "")]:
                doc.problems.append((
                    "pdf.glyph", file, line, fld,
                    f"字符{describe_char(ch)}不在 PDF 所用字体（Noto CJK SC）中，印刷时会丢失。"
                    f"请改用常用字、全角符号或文字说明（{doc.output}）。"
                    f" Character U+{ord(ch):04X} is not covered by the PDF fonts and would be dropped."))

    def check_refs(self, doc: Document, html: str, source: Source, base_dir: Path) -> None:
        """Outside references in `html` (a chapter, or the whole document) become pdf.fetch problems."""
        for ref in scan_html(html, base_dir.as_uri() + "/", self.fetcher):
            hits = [i for i, text in enumerate(source.lines, 1) if ref.url and ref.url in text]
            line = hits[0] if hits else max(source.body_from, 1)
            doc.problems.append(("pdf.fetch", source.file, line, "body" if source.body_from else "",
                                 f"“{_clip(ref.url)}”：{ref.why}（{doc.output}）"))
        for url in _local_refs(html):
            absolute = urljoin(base_dir.as_uri() + "/", url)
            try:
                path = self.fetcher.local_path(absolute)
            except Exception:
                continue
            doc.resources.append(path)

    # ---- handbook ------------------------------------------------------------------------
    def chapter_html(self, loaded: Loaded, slugs: set[str]) -> str:
        here = "handbook/" + Path(loaded.file).name

        def resolve(el) -> None:
            href = (el.get("href") or "").strip()
            text = "".join(el.itertext()).strip()
            scheme = urlparse(href).scheme.lower()
            if not href or href.startswith("#") or scheme == "file" or "attachment" in (el.get("rel") or "").split():
                return  # left as written: the reference check reports file: links and attachments
            if scheme in ("http", "https", "mailto", "tel"):
                short = short_url(href)
                el.set("class", ("ext bare" if text in (href, short) else "ext"))
                el.set("data-short", short)
                return
            if scheme:
                return
            path, _, frag = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(here), path)) if path else here
            if target.startswith("../"):
                return  # outside the website: nothing to point at
            stem = posixpath.splitext(posixpath.basename(target))[0]
            if target.startswith("handbook/") and target.endswith(".md") and stem in slugs:
                el.set("href", f"#ch-{stem}")
                el.set("class", "xref")
            elif target == "laws.md":
                el.tag = "span"  # the chapter's laws are printed at its end
                el.attrib.clear()
                el.set("class", "lawref")
            else:
                page = target[:-3] if target.endswith(".md") else target
                page = page[: -len("index")] if page.endswith("index") else page + ("/" if target.endswith(".md") else "")
                url = self.base_url + page.lstrip("/") + (f"#{frag}" if frag else "")
                el.set("href", url)
                el.set("class", "ext")
                el.set("data-short", short_url(url))

        md = markdown.Markdown(extensions=MD_EXTENSIONS, output_format="html")
        md.treeprocessors.register(_ForPaper(md, resolve), "rightsite_paper", 1)
        return md.convert(loaded.body)

    def handbook(self) -> Document:
        chapters = self.p.sorted_chapters()
        slugs = {Path(c.file).stem for c in chapters}
        from ..guard.stale import chapter_review

        reviewed = {c.file: chapter_review(self.p, c, self.today)[0] for c in chapters}  # `reviewed`, else git
        known = [d for d in reviewed.values() if d]
        dates = known + [ch.verified for ch in self.site.channels]
        created = source_date(dates)
        edition = max(known, default=self.today)
        doc = Document(urls.HANDBOOK_PDF, "handbook", f"{self.site.mall.name}消费者维权手册", "",
                       self.p.root / "content" / "handbook", created, (THEME_PDF / "handbook.html.j2").as_posix())
        items = []
        for n, loaded in enumerate(chapters, 1):
            stem = Path(loaded.file).stem
            source = chapter_source(self.p, loaded)
            body = self.chapter_html(loaded, slugs)
            self.check_refs(doc, body, source, doc.base_dir)
            doc.sources.append(source)
            items.append({
                "n": n, "cn": cn_number(n), "anchor": f"ch-{stem}", "title": loaded.record.title,
                "body": Markup(sanitize_html(body)), "reviewed": reviewed[loaded.file], "owner": loaded.record.owner,
                "laws": [self.laws[i] for i in loaded.record.laws if i in self.laws],
                "url": urls.absolute(self.base_url, urls.chapter(loaded.file)),
            })
            doc.sources += self.law_sources(loaded.record.laws)
        doc.sources.append(self.site_source)
        has_12315 = any(ch.kind == "12315" for ch in self.site.channels)
        doc.html = self.render("handbook.html.j2", doc.base_dir, title=doc.title, chapters=items, edition=edition,
                               created=created, has_12315=has_12315)
        return doc

    # ---- standards -----------------------------------------------------------------------
    def _standard_ctx(self, loaded: Loaded) -> dict:
        """The template values of a standard (the same in its five documents: made once)."""
        if loaded.id not in self._ctxs:
            self._ctxs[loaded.id] = self._make_standard_ctx(loaded)
        return self._ctxs[loaded.id]

    def _make_standard_ctx(self, loaded: Loaded) -> dict:
        std = loaded.record
        clauses = [{"number": c.number, "level": c.level, "cls": LEVEL_CLASS[c.level], "text": c.text,
                    "laws": [self.law_label(i) for i in c.laws]} for c in std.clauses]
        cited = list(dict.fromkeys(i for c in std.clauses for i in c.laws if i in self.laws))
        return {"std": std, "clauses": clauses, "cited": [self.laws[i] for i in cited],
                "url": urls.absolute(self.base_url, urls.standard(std.id)),
                "counts": {lvl: sum(c.level == lvl for c in std.clauses) for lvl in LEVEL_CLASS}}

    def _standard_dates(self, std) -> list[dt.date]:
        return [std.effective] + [h.date for h in std.history]

    def standards(self) -> list[Document]:
        loaded = sorted(self.p.standards.values(), key=lambda s: s.id)
        docs = []
        if loaded:
            created = source_date([d for s in loaded for d in self._standard_dates(s.record)])
            doc = Document(urls.STANDARDS_PDF, "standards", f"{self.site.mall.name}商户服务标准汇编", "",
                           self.p.root / "data", created, (THEME_PDF / "standards.html.j2").as_posix())
            ctxs = [self._standard_ctx(s) for s in loaded]
            all_laws = list(dict.fromkeys(i for s in loaded for c in s.record.clauses for i in c.laws))
            doc.sources = [self.source(s) for s in loaded] + self.law_sources(all_laws) + [self.site_source]
            doc.html = self.render("standards.html.j2", doc.base_dir, title=doc.title, standards=ctxs, collection=True,
                                   created=created, appendix=[self.laws[i] for i in all_laws if i in self.laws])
            docs.append(doc)
        for s in loaded:
            created = source_date(self._standard_dates(s.record))
            title = f"{s.record.title}（{s.id}，第 {s.record.version} 版）"
            doc = Document(urls.standard_pdf(s.id), "standard", title, "", self.p.root / "data",
                           created, (THEME_PDF / "standards.html.j2").as_posix())
            ctx = self._standard_ctx(s)
            doc.sources = [self.source(s)] + self.law_sources(
                i for c in s.record.clauses for i in c.laws) + [self.site_source]
            doc.html = self.render("standards.html.j2", doc.base_dir, title=title, standards=[ctx], collection=False,
                                   created=created, appendix=ctx["cited"])
            docs.append(doc)
        return docs

    # ---- flyers --------------------------------------------------------------------------
    def upcoming_events(self) -> list[Loaded]:
        """Planned or postponed events that end after the start of `today` (Asia/Shanghai)."""
        events = [e for e in self.p.events.values() if e.record.is_upcoming(self.now)]
        return sorted(events, key=lambda e: (e.record.start, e.id))

    def flyers(self) -> list[Document]:
        docs = []
        hotline = next((c for c in self.site.channels if c.kind == "hotline"), None)
        for loaded in self.upcoming_events():
            ev = loaded.record
            day, hours = event_when(ev.start, ev.end)
            created = source_date([ch.verified for ch in self.site.channels])
            doc = Document(urls.flyer_pdf(ev.id), "flyer", ev.title, "", self.p.root / "data",
                           created, (THEME_PDF / "flyer.html.j2").as_posix())
            doc.sources = [self.source(loaded), self.site_source]
            # the roomy set-up first; a long title, note and description get the tighter ones
            doc.html, *doc.variants = [
                self.render("flyer.html.j2", doc.base_dir, title=ev.title, event=ev, day=day, hours=hours,
                            heading=flyer_title(ev.title, max_pt), density=density,
                            hours_size="long" if len(hours) > 11 else "short",
                            description=short_description(ev.description),
                            note=short_description(ev.note or "", FLYER_NOTE_CHARS) if ev.note else "",
                            url=urls.absolute(self.base_url, urls.event(ev.id)), hotline=hotline)
                for density, max_pt in FLYER_DENSITIES]
            docs.append(doc)
        return docs

    # ---- channels poster -----------------------------------------------------------------
    def poster(self) -> Document:
        """The complaint channels on one A4 page, QR codes for the online ones (a channel's own
        `image`, e.g. a WeChat account's code, from content/)."""
        created = source_date([ch.verified for ch in self.site.channels])
        doc = Document(urls.POSTER_PDF, "poster", f"{self.site.organiser}投诉渠道", "", self.p.root / "content",
                       created, (THEME_PDF / "poster.html.j2").as_posix())
        doc.sources = [self.site_source]
        doc.html, *doc.variants = [
            self.render("poster.html.j2", doc.base_dir, title=doc.title, density=density,
                        channels_url=urls.absolute(self.base_url, urls.CHANNELS),
                        has_12315=any(ch.kind == "12315" for ch in self.site.channels))
            for density in ("", "dense")]
        return doc

    def documents(self) -> list[Document]:
        """Every document of the build, each checked for outside references and uncovered characters."""
        from .checklists import checklist_documents

        docs = [self.handbook(), *self.standards(), *checklist_documents(self), *self.flyers(), self.poster()]
        for doc in docs:
            template = Source(doc.template, _file_lines(self.p.root / doc.template))
            self.check_refs(doc, _strip_chapters(doc.html), template, doc.base_dir)
            self.check_text(doc)
        return docs


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


_CHAPTER_BODY = re.compile(r"<!-- chapter-body -->.*?<!-- /chapter-body -->", re.S)


def _strip_chapters(html: str) -> str:
    # chapters were scanned one by one (with their own file and line); scan only the rest here
    return _CHAPTER_BODY.sub("", html)


class _LocalRefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        for name in ("src", "data", "poster"):
            if values.get(name) and not values[name].startswith("data:"):
                self.urls.append(values[name])
        if tag in ("image", "use", "link") and values.get("href"):
            self.urls.append(values["href"])


def _local_refs(html: str) -> list[str]:
    parser = _LocalRefs()
    parser.feed(html)
    parser.close()
    return parser.urls


def _data_uri(path: Path) -> str:
    import base64

    mime = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
    kind = mime.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
