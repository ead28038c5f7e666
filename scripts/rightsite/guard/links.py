"""Integrity of hand-written Markdown: links and anchors resolve, images exist, are light
and have alt text, nothing is loaded from another host (rules `link.*`, `ref.duplicate_title`)."""
from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from .. import urls
from ..load import Loaded, Project, walk_files
from ..problems import Problems

MAX_IMAGE_BYTES = 300 * 1024
LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_REF = re.compile(r"<(img|a|iframe|script|link|source|video|audio|embed|object)\b[^>]*?\b(src|href|data)=[\"']?([^\"'\s>]+)[^>]*>", re.I)
HTML_ALT = re.compile(r"\balt=[\"']([^\"']*)[\"']", re.I)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)", re.I)
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{[^}]*#([\w\-\u4e00-\u9fff]+)[^}]*\})?\s*#*\s*$")


def known_pages(project: Project) -> set[str]:
    """src_uri of every page the site will have (hand-written and generated)."""
    pages = set(urls.page_uris(project))
    content = project.root / "content"
    if content.is_dir():
        pages |= {p.relative_to(content).as_posix() for p in walk_files(content) if p.suffix == ".md"}
    return pages


@lru_cache(maxsize=4096)
def _slug(text: str) -> str:
    from pymdownx.slugs import slugify

    return slugify(case="lower")(text, "-")


def heading_ids(markdown: str) -> set[str]:
    """Anchors of a chapter's headings, as the site's toc extension makes them."""
    ids = set()
    for line in markdown.splitlines():
        m = HEADING.match(line)
        if m:
            ids.add(m.group(3) or _slug(re.sub(r"[*`_]", "", m.group(2))))
    return ids


def _target_uri(base_uri: str, path: str) -> str:
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base_uri), unquote(path)))
    if joined.endswith("/") or path.endswith("/"):
        joined = joined.rstrip("/") + ".md"
    if joined.endswith("/index.md") and joined not in ("index.md",):
        return joined
    return joined


def resolve_link(base_uri: str, target: str) -> tuple[str | None, str]:
    """(src_uri, fragment) of a relative link from page `base_uri`; (None, "") for an external
    link, a same-page anchor or a malformed one."""
    try:
        url = urlparse(target)
    except ValueError:
        return None, ""
    if url.scheme or target.startswith("//") or not url.path:
        return None, ""
    return _target_uri(base_uri, url.path), url.fragment


def check_links(project: Project) -> Problems:
    out = Problems()
    pages = known_pages(project)
    chapter_ids = {f"handbook/{Path(c.file).name}": heading_ids(c.body) for c in project.chapters.values()}
    for chapter in project.chapters.values():
        uri = f"handbook/{Path(chapter.file).name}"
        for offset, line in enumerate(chapter.body.split("\n")):
            lineno = chapter.body_line + offset
            refs = [(m.group(1) == "!", m.group(2), m.group(3)) for m in LINK.finditer(line)]
            for m in HTML_REF.finditer(line):
                alt = HTML_ALT.search(m.group(0))
                # anything but a plain <a href> is loaded by the browser, like an image
                refs.append((m.group(1).lower() != "a", alt.group(1) if alt else "", m.group(3)))
            refs += [(True, "css", m.group(1)) for m in CSS_URL.finditer(line)]
            for is_image, alt, target in refs:
                _check_ref(project, out, chapter, uri, lineno, is_image, alt, target, pages, chapter_ids)
    _duplicate_titles(project, out)
    seen = {(p.rule, p.file, p.line, p.message) for p in out.items}
    out.extend([p for p in check_html(project).items if (p.rule, p.file, p.line, p.message) not in seen])
    return out


# the extensions of mkdocs.yml that change what HTML a page's Markdown becomes
RENDER_EXTENSIONS = ["attr_list", "md_in_html", "tables", "def_list", "admonition"]
HTML_WHY = {
    "tag": "网页只允许段落、标题、列表、表格、图片、链接等排版标签，不允许脚本、表单、内嵌框架、SVG 等",
    "attribute": "事件属性（onclick、onerror 等）和不在允许清单中的属性都不允许",
    "style": "只允许表格列的 text-align 对齐样式",
    "url": "链接和图片只能用 http、https、mailto、tel 或站内相对地址，不能用 javascript:、data:、file: 等",
}


def _hand_written(project: Project) -> list[tuple[str, str, int, str]]:
    """(file, Markdown body, line of its first line, owner) of every hand-written page: the
    chapters and the other Markdown files under content/ (section intros, extra pages)."""
    from ..load import split_front_matter

    out = [(c.file, c.body, c.body_line, c.record.owner) for c in project.sorted_chapters()]
    seen = {c.file for c in project.chapters.values()}
    content = project.root / "content"
    group_owner = project.site.record.group.owner if project.site else ""
    for path in (p for p in walk_files(content) if p.suffix == ".md"):
        rel = project.rel(path)
        if rel in seen or path.is_symlink() or rel.startswith("content/handbook/") and path.name != "index.md":
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # reported by the loader
        _, body, body_line = split_front_matter(text)
        out.append((rel, body, body_line, group_owner))
    return out


def check_html(project: Project) -> Problems:
    """What the sanitizer would drop from each hand-written page (rules `link.html`,
    `link.scheme`): the Markdown is rendered as the site renders it, so reference-style links,
    tags split over lines and entity-encoded schemes are seen as a browser sees them."""
    import markdown

    from ..model.common import clip
    from ..site.markup import disallowed

    out = Problems()
    for file, body, body_line, owner in _hand_written(project):
        if "<" not in body and ":" not in body and "{" not in body:
            continue
        html = markdown.markdown(body, extensions=RENDER_EXTENSIONS)
        cursor: dict[str, int] = {}
        for src, needles in external_images(html):
            line = body_line + _find(body, needles, cursor)
            out.error("link.external", file, line, "body",
                      f"引用了外部资源 {clip(src, 60)}：网站和印刷品只能使用仓库内的文件（图片请放进 content/ 并用相对路径）。"
                      " External resources are not allowed; put the file in the repository.", owner)
        for item in disallowed(html):
            line = body_line + _find(body, item.needles, cursor)
            rule = "link.scheme" if item.kind == "url" else "link.html"
            out.error(rule, file, line, "body",
                      f"“{clip(item.what)}”不能发布：{HTML_WHY[item.kind]}。网页和 PDF 中会删除它；请从源文件中删去或改写。"
                      f" Disallowed HTML ({item.kind}) is removed from the site; remove it from the source.", owner)
    return out


def external_images(html: str) -> list[tuple[str, tuple[str, ...]]]:
    """(src, needles) of every image the rendered page would load from another host."""
    from html.parser import HTMLParser

    found: list[tuple[str, tuple[str, ...]]] = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag, attrs) -> None:
            src = dict(attrs).get("src") or "" if tag.lower() == "img" else ""
            cleaned = re.sub(r"[\x00-\x20]+", "", src).lower()
            if cleaned.startswith(("http:", "https:", "//")):
                found.append((src, (re.escape(src[:40]), r"<\s*img\b")))

    Finder(convert_charrefs=True).feed(html)
    return found


def _find(body: str, needles: tuple[str, ...], cursor: dict[str, int]) -> int:
    """0-based line in `body` of the next match of the first needle found (each needle's next
    match after its previous one, so a second <script> points at the second); 0 if none."""
    for needle in needles:
        m = re.compile(needle, re.I).search(body, cursor.get(needle, 0))
        if m is None and needle in cursor:
            m = re.compile(needle, re.I).search(body)
        if m is not None:
            cursor[needle] = m.end()
            return body[: m.start()].count("\n")
    return 0


def _check_ref(project, out, chapter, uri, lineno, is_image, alt, target, pages, chapter_ids) -> None:
    from ..model.common import clip  # a typed number in a link is masked in the message

    owner = chapter.record.owner
    try:
        url = urlparse(target)
    except ValueError:
        out.error("link.invalid", chapter.file, lineno, "body",
                  f"链接地址“{clip(target, 60)}”格式不对。请改正。 Malformed link.", owner)
        return
    if url.scheme in ("mailto", "tel"):
        return
    if url.scheme and url.scheme not in ("http", "https"):
        return  # javascript:, data:, file: ... are reported (once, in any link syntax) by check_html
    if url.scheme or target.startswith("//"):
        if is_image or url.scheme not in ("http", "https"):
            out.error("link.external", chapter.file, lineno, "body",
                      f"引用了外部资源 {clip(target, 60)}：网站和印刷品只能使用仓库内的文件（图片请放进 content/ 并用相对路径）。"
                      " External resources are not allowed; put the file in the repository.", owner)
        return
    if is_image:
        content = (project.root / "content").resolve()
        path = (content / posixpath.dirname(uri) / unquote(url.path)).resolve()
        if content not in path.parents:
            out.error("link.outside", chapter.file, lineno, "body",
                      f"{clip(target, 60)} 指向 content/ 以外的文件。图片请放进 content/ 并用相对路径。 Outside content/.", owner)
            return
        if not path.is_file():
            out.error("link.image_missing", chapter.file, lineno, "body",
                      f"图片 {clip(target, 60)} 不存在。请检查文件名和路径（相对于本章节所在文件夹）。 Image not found.", owner)
        elif path.stat().st_size > MAX_IMAGE_BYTES:
            kb = path.stat().st_size // 1024
            out.error("link.image_heavy", chapter.file, lineno, "body",
                      f"图片 {clip(target, 60)} 有 {kb} KB，超过 300 KB（消费者多用手机流量）。请压缩或缩小后再用。 Image over 300 KB.", owner)
        if not alt.strip() and alt != "css":
            out.warning("link.image_alt", chapter.file, lineno, "body",
                        f"图片 {clip(target, 60)} 没有替代文字。请写成 ![图片内容的简短说明]({clip(target, 60)})，方便读屏软件。"
                        " Add alt text.", owner)
        return
    if not url.path:  # same-page anchor
        ids = chapter_ids.get(uri, set())
        if url.fragment and url.fragment not in ids:
            out.error("link.anchor", chapter.file, lineno, "body",
                      f"本页没有锚点 #{url.fragment}。请检查标题或改正链接。 Anchor not found on this page.", owner)
        return
    target_uri = _target_uri(uri, url.path)
    if not target_uri.endswith(".md"):
        path = (project.root / "content" / target_uri)
        if not path.is_file():
            out.error("link.missing", chapter.file, lineno, "body",
                      f"链接的文件 {clip(target, 60)} 不存在。 Linked file not found.", owner)
        return
    if target_uri not in pages:
        out.error("link.missing", chapter.file, lineno, "body",
                  f"链接的页面 {clip(target, 60)} 不存在。请改正路径（手册章节写 文件名.md，案例写 ../cases/编号.md）。 Page not found.", owner)
        return
    if url.fragment:
        if target_uri == "laws.md" and url.fragment not in project.laws:
            out.error("link.anchor", chapter.file, lineno, "body",
                      f"法律依据页没有 #{url.fragment}：data/laws.yml 中没有这个编号。 Unknown law anchor.", owner)
        elif target_uri in chapter_ids and url.fragment not in chapter_ids[target_uri]:
            out.error("link.anchor", chapter.file, lineno, "body",
                      f"{target_uri} 中没有标题锚点 #{url.fragment}。请检查目标章节的标题。 Anchor not found.", owner)


def _duplicate_titles(project: Project, out: Problems) -> None:
    groups: list[tuple[str, list[tuple[str, Loaded, str]]]] = [
        ("手册章节", [(c.record.title, c, "title") for c in project.sorted_chapters()]),
        ("活动", [(e.record.title, e, "title") for e in project.events.values()]),
        ("服务标准", [(s.record.title, s, "title") for s in project.standards.values()]),
    ]
    for label, items in groups:
        seen: dict[str, Loaded] = {}
        for title, item, fld in items:
            if title in seen:
                out.error("ref.duplicate_title", item.file, item.line(fld), fld,
                          f"与 {seen[title].file} 的{label}标题相同。请改成可区分的标题。 Two records share this title.")
            seen.setdefault(title, item)
