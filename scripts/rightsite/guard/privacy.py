"""Personal data in published text (rules `pii.*`): every public text field of every record,
and, as a second line of defence, the text of the built site and its PDFs.

A finding names file, line, field and the rule, with the matched text masked so the log
does not leak it again. A false positive is accepted only by a `pii_allow` entry (text and
reason) on that record; there is no global switch.
"""
from __future__ import annotations

import html
import json
import os
import re
import subprocess
from pathlib import Path
from functools import lru_cache
from typing import Iterable, Iterator

from ..load import Loaded, Project
from ..problems import Problems
from ..yamlio import YamlDoc, dotted
from .pii import LABELS, Finding, scan_text

BLOCK_SCALAR = re.compile(r":\s*[|>][-+0-9]*\s*(#.*)?$")


@lru_cache(maxsize=200_000)
def _scan(text: str, allow: tuple[str, ...]) -> tuple:
    """scan_text, remembered: `make serve` rechecks everything on each edit, texts rarely change."""
    return tuple(scan_text(text, allow))


def public_allow(project: Project) -> list[str]:
    """The mall's own published channels are not personal data."""
    if not project.site:
        return []
    out = []
    for ch in project.site.record.channels:
        out += [ch.value] + ([ch.url] if ch.url else [])
    return out


def _fields(item: Loaded, names: Iterable[str]) -> Iterator[tuple[tuple, str]]:
    rec = item.record
    for name in names:
        value = getattr(rec, name, None)
        if isinstance(value, str) and value:
            yield (name,), value


def record_texts(project: Project) -> Iterator[tuple[Loaded, tuple, str, str]]:
    """(record, path, text, owner) of every public text field, chapters' bodies excluded."""
    group_owner = project.site.record.group.owner if project.site else ""
    for case in project.cases.values():
        for path, text in _fields(case, case.record.TEXT_FIELDS):
            yield case, path, text, group_owner
    for ev in project.events.values():
        for path, text in _fields(ev, ev.record.TEXT_FIELDS):
            yield ev, path, text, ev.record.owner
        if ev.record.recap:
            yield ev, ("recap", "summary"), ev.record.recap.summary, ev.record.owner
    for std in project.standards.values():
        s = std.record
        yield std, ("title",), s.title, s.owner
        yield std, ("summary",), s.summary, s.owner
        for i, clause in enumerate(s.clauses):
            yield std, ("clauses", i, "text"), clause.text, s.owner
        for i, h in enumerate(s.history):
            yield std, ("history", i, "changes"), h.changes, s.owner
    for ch in project.chapters.values():
        yield ch, ("title",), ch.record.title, ch.record.owner
        if ch.record.description:
            yield ch, ("description",), ch.record.description, ch.record.owner
    for insp in project.inspections.values():  # internal records: still no personal data in them
        std = project.standards.get(insp.record.standard)
        owner = insp.record.owner or (std.record.owner if std else group_owner)
        for path, text in insp.record.texts():
            yield insp, path, text, owner
    yield from _report_texts(project, group_owner)
    # the owners printed on pages and PDFs (负责：…), and every text of the records the build
    # prints whole: the site file, categories, law articles (their texts too), surveys
    for group in (project.events, project.standards, project.chapters):
        for item in group.values():
            for path, text in _fields(item, ("owner",)):
                yield item, path, text, group_owner
    singles = [project.site, project.categories, *project.laws.values(), *project.surveys.values()]
    for item in singles:
        if item is not None:
            for path, text in _strings(item.record.model_dump(exclude_none=True)):
                yield item, path, text, group_owner


# fields that hold ids, codes, addresses of the site itself or file names, not prose
_NOT_PROSE = frozenset({"pii_allow", "id", "slug", "code", "base_url", "repo_url", "edit_uri", "url", "image",
                        "law_id", "superseded_by", "kind", "chapter", "complaint_chapter", "law", "resolution"})


def _strings(data, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, str):
        if data:
            yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in _NOT_PROSE or (key == "law" and isinstance(value, str) and not re.fullmatch(r"[\w-]+", value)):
                yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, path + (i,))


def _report_texts(project: Project, owner: str):
    """The editors' words of every annual report."""
    from ..report import report_words

    for item, path, text in report_words(project):
        yield item, path, text, owner


def _problem(out: Problems, finding, file: str, line: int, field: str, owner: str) -> None:
    label = LABELS.get(finding.rule, finding.rule)
    out.error(finding.rule, file, line, field,
              f"疑似{label}“{finding.masked()}”：公开文本不得含个人信息。请改成匿名写法（张某、王女士、某服装店），"
              f"删去号码、地址等；如确属误报，在本记录的 pii_allow 中登记该文字和理由。"
              f" Possible {finding.rule.split('.')[-1]} in public text; anonymize it, or list it in pii_allow with a reason.",
              owner)


class _PersistentScan:
    """scan_text with results kept in .cache/pii-records.json: an unchanged project does not
    even load the segmenter."""

    def __init__(self, root: Path):
        from ..digestcache import DigestCache

        self.cache = DigestCache(root / ".cache" / "pii-records.json", _salt())

    def __call__(self, text: str, allow: tuple[str, ...]) -> tuple:
        key = self.cache.key(text, *allow)
        hit = self.cache.get(key)
        if hit is not None:
            return tuple(Finding(rule, a, b, text[a:b]) for rule, a, b in hit)
        found = _scan(text, allow)
        self.cache.put(key, [[f.rule, f.start, f.end] for f in found])
        return found


def scan_records(project: Project) -> Problems:
    """`pii.*` errors for every public text field and chapter body of the project."""
    out = Problems()
    base_allow = public_allow(project)
    scan = _PersistentScan(project.root)
    for item, path, text, owner in record_texts(project):
        allow = base_allow + [a.text for a in getattr(item.record, "pii_allow", [])]
        findings = scan(text, tuple(allow))
        if not findings:
            continue
        lines = _file_lines(project, item.file)
        for f in findings:
            key_line = item.line(*path)
            offset = text[: f.start].count("\n")
            block = 0 < key_line <= len(lines) and BLOCK_SCALAR.search(lines[key_line - 1])
            line = key_line + 1 + offset if block else key_line
            _problem(out, f, item.file, line, dotted(item.base + path), owner)
    raw: list[tuple[str, YamlDoc, set[str]]] = [  # records that failed validation: every text they hold
        (rel, doc, set()) for kind in project.invalid.values() for rel, doc in kind.values() if doc is not None]
    for kind in (project.cases, project.events, project.standards):  # fields a record does not know (reported)
        for item in kind.values():
            known = set(type(item.record).model_fields)
            if isinstance(item.doc.data, dict) and not known.issuperset(item.doc.data):
                raw.append((item.file, item.doc, known))
    for rel, doc, skip in raw:
        allow = base_allow + _raw_allow(doc.data)
        for path, text in _strings(doc.data, ()):
            if path[0] not in skip:
                for f in scan(text, tuple(allow)):
                    line = doc.line_of(path)
                    lines = _file_lines(project, rel)
                    if 0 < line <= len(lines) and BLOCK_SCALAR.search(lines[line - 1]):
                        line += 1 + text[: f.start].count("\n")
                    _problem(out, f, rel, line, dotted(path), _raw_owner(project, doc.data))
    for ch in project.chapters.values():
        allow = base_allow + [a.text for a in ch.record.pii_allow]
        for f in scan(ch.body, tuple(allow)):
            line = ch.body_line + ch.body[: f.start].count("\n")
            _problem(out, f, ch.file, line, "body", ch.record.owner)
    for file, text, first_line, owner in _other_content(project):
        for f in scan(text, tuple(base_allow)):
            _problem(out, f, file, first_line + text[: f.start].count("\n"), "body", owner)
    scan.cache.save()
    return out


def _raw_allow(data: object) -> list[str]:
    entries = data.get("pii_allow") if isinstance(data, dict) else None
    return [e["text"] for e in entries if isinstance(e, dict) and isinstance(e.get("text"), str)] \
        if isinstance(entries, list) else []


def _raw_owner(project: Project, data: object) -> str:
    owner = data.get("owner") if isinstance(data, dict) else None
    return owner if isinstance(owner, str) else (project.site.record.group.owner if project.site else "")
def _other_content(project: Project) -> Iterator[tuple[str, str, int, str]]:
    """Published files under content/ besides the chapters: hand-written pages and section
    intros (Markdown), and the text of SVG images (tags blanked, lines kept)."""
    from ..load import walk_files
    from .links import _hand_written

    chapters = {c.file for c in project.chapters.values()}
    for file, body, body_line, owner in _hand_written(project):
        if file not in chapters:
            yield file, body, body_line, owner
    owner = project.site.record.group.owner if project.site else ""
    for path in walk_files(project.root / "content"):
        if path.suffix.lower() == ".svg" and not path.is_symlink():
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue  # reported by the loader
            yield project.rel(path), _SVG_TAG.sub(lambda m: " " * len(m.group(0)) if "\n" not in m.group(0) else
                                                  re.sub(r"[^\n]", " ", m.group(0)), text), 1, owner


_SVG_TAG = re.compile(r"<[^>]*>")


def _file_lines(project: Project, rel: str) -> list[str]:
    try:
        return (project.root / rel).read_text(encoding="utf-8-sig").split("\n")
    except OSError:
        return []


# ---- second line of defence: what was actually built ---------------------------------

TAG = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<svg\b.*?</svg>|<[^>]+>", re.S | re.I)


META_CONTENT = re.compile(r"<meta\b[^>]*\bcontent=\"([^\"]*)\"", re.I)
TITLE_ATTR = re.compile(r"\b(?:title|alt|aria-label)=\"([^\"]*)\"", re.I)


def html_text(markup: str) -> str:
    """Everything of an HTML page a person or a crawler can read: the visible text, one block
    per line, then meta descriptions and title/alt/aria-label attributes."""
    extra = "\n".join(META_CONTENT.findall(markup) + TITLE_ATTR.findall(markup))
    markup = re.sub(r"</(p|li|h\d|tr|td|th|div|figcaption|summary)>", "\n", markup, flags=re.I)
    return html.unescape(TAG.sub(" ", markup) + "\n" + extra)


def all_allowed(project: Project) -> list[str]:
    out = public_allow(project)
    for group in (project.cases, project.events, project.standards, project.chapters, project.inspections):
        for item in group.values():
            out += [a.text for a in getattr(item.record, "pii_allow", [])]
    return out


def _salt() -> bytes:
    from . import pii

    return Path(pii.__file__).read_bytes() + Path(__file__).read_bytes()


def scan_output(project: Project, site_dir: Path) -> Problems:
    """`pii.*` errors found in the built pages, the search index and the PDFs' text.

    A file whose exact bytes were scanned clean before (same scanner, same allow list) is
    not scanned again: an unchanged rebuild costs a hash per file.
    """
    from ..digestcache import DigestCache

    out = Problems()
    allow = all_allowed(project)
    clean = DigestCache(project.root / ".cache" / "output-scan.json", _salt() + "\0".join(allow).encode())

    def unseen(path: Path) -> str | None:
        key = clean.key(path.read_bytes())
        return None if clean.get(key) else key

    def scanned(key: str, before: int) -> None:
        if len(out.items) == before:
            clean.put(key, 1)

    for page in sorted(site_dir.rglob("*.html")):
        key = unseen(page)
        if key:
            n = len(out.items)
            text = html_text(page.read_text(encoding="utf-8", errors="replace"))
            _scan_built(out, text, allow, f"site/{page.relative_to(site_dir).as_posix()}")
            scanned(key, n)
    index = site_dir / "search" / "search_index.json"
    if index.exists() and (key := unseen(index)):
        n = len(out.items)
        docs = json.loads(index.read_text(encoding="utf-8")).get("docs", [])
        text = "\n".join(html_text(d.get("title", "") + "\n" + d.get("text", "")).replace("\u200b", "") for d in docs)
        _scan_built(out, text, allow, "site/search/search_index.json")
        scanned(key, n)
    pdfs = [(pdf, key) for pdf in sorted(site_dir.rglob("*.pdf")) if (key := unseen(pdf))]
    # pdftotext runs as separate processes: extract on every core, scan here in order
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        texts = list(pool.map(_pdf_text, [pdf for pdf, _ in pdfs]))
    for (pdf, key), (text, why) in zip(pdfs, texts):
        name = f"site/{pdf.relative_to(site_dir).as_posix()}"
        if text is None or not text.strip():
            # unreadable or textless: it cannot be checked for personal data, so it is not published
            out.error("pdf.parse", name, 1, "",
                      f"无法读取 {name} 的文字（{why or '提取不到任何文字'}），无法检查个人信息，未发布。"
                      "请重新构建；仍然出错时删除 .cache/ 后再构建。"
                      f" Cannot extract the text of {name} ({why or 'no text'}); not published.")
            continue
        n = len(out.items)
        _scan_built(out, text, allow, name)
        scanned(key, n)
    clean.save()
    return out


def _pdf_text(pdf: Path) -> tuple[str | None, str]:
    """(text, "") of a PDF, or (None, why) when pdftotext is missing or fails (a damaged PDF)."""
    try:
        proc = subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                              text=True, errors="replace", timeout=120)
    except OSError:
        return None, "缺少 pdftotext，请安装 poppler-utils"
    except subprocess.TimeoutExpired:
        return None, "pdftotext 超时"
    if proc.returncode != 0:
        return None, f"pdftotext 退出状态 {proc.returncode}，文件已损坏"
    return proc.stdout, ""


_SEEN_CLEAN: set[tuple[str, tuple]] = set()  # lines of built output already scanned clean


def _scan_built(out: Problems, text: str, allow: list[str], name: str) -> None:
    """Scan built text line by line; the header, nav and footer repeat on every page, so a
    line already found clean (with the same allow list) is not scanned again."""
    allow_key = tuple(allow)
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip() or (line, allow_key) in _SEEN_CLEAN:
            continue
        found = scan_text(line, allow)
        if not found:
            _SEEN_CLEAN.add((line, allow_key))
            continue
        _report_built(out, found, name, lineno)


def _report_built(out: Problems, found, name: str, line: int) -> None:
    for f in found:
        label = LABELS.get(f.rule, f.rule)
        out.error(f.rule, name, line, "output",
                  f"生成的网站或 PDF 中发现疑似{label}“{f.masked()}”（第二道检查）。请找到来源记录改为匿名写法；"
                  " Personal data found in the built output; fix the source record.")
