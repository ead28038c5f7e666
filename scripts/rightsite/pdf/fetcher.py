"""What a PDF may load: files of the project (theme/, content/, data/) and the font cache, nothing else.

Two layers use the same policy:
- `scan_html` reads a document's HTML before rendering and reports every reference to a
  resource outside the project (http(s)://, file:///etc/passwd, `rel=attachment` links,
  CSS url()/@import) with the file and line it came from. A document with such a problem
  is not rendered at all.
- `ProjectFetcher` is what WeasyPrint's URL fetcher asks (see render.py): it answers
  data: URLs and allowed files itself and refuses the rest, recording each refusal.
  It never opens a socket: http(s) is refused before any request exists.
"""
from __future__ import annotations

import base64
import mimetypes
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse
from urllib.request import url2pathname

ALLOWED_DIRS = ("theme", "content", "data")
# elements whose attribute makes WeasyPrint fetch something
RESOURCE_ATTRS = {
    "img": ("src",), "image": ("href", "xlink:href"), "use": ("href", "xlink:href"),
    "object": ("data",), "embed": ("src",), "iframe": ("src",), "video": ("src", "poster"),
    "audio": ("src",), "source": ("src",), "track": ("src",), "input": ("src",),
    "link": ("href",), "script": ("src",), "feimage": ("href", "xlink:href"),
}
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I | re.S)


class FetchRefused(Exception):
    """A URL outside the project; the message says why (for the build's problem list)."""


@dataclass
class Reference:
    """One reference to an outside resource found in a document's HTML."""

    url: str
    why: str  # a short Chinese + English reason


@dataclass
class ProjectFetcher:
    """Answers URL requests for one project: data: URLs and files under the allowed folders."""

    root: Path
    extra_dirs: tuple[Path, ...] = ()  # e.g. the font cache
    refused: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.allowed = tuple([(self.root / d).resolve() for d in ALLOWED_DIRS]
                             + [Path(d).resolve() for d in self.extra_dirs])

    # -- policy -------------------------------------------------------------------
    def local_path(self, url: str) -> Path:
        """The allowed file a file: URL names, or FetchRefused."""
        parsed = urlparse(url)
        if parsed.scheme != "file":
            raise FetchRefused(f"不允许的协议 {parsed.scheme or '(无)'}: 只能使用项目内的文件。"
                               f" Scheme {parsed.scheme or '(none)'} is not allowed.")
        if parsed.netloc not in ("", "localhost"):
            raise FetchRefused("不允许访问其他主机上的文件。 Files on other hosts are not allowed.")
        path = Path(url2pathname(unquote(parsed.path)))
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise FetchRefused(f"文件不存在：{path}。 File not found.") from None
        if not real.is_file():
            raise FetchRefused(f"不是文件：{path}。 Not a file.")
        if not any(real.is_relative_to(d) for d in self.allowed):
            raise FetchRefused("只能使用 theme/、content/、data/ 中的文件。"
                               " Only files under theme/, content/ and data/ may be used.")
        return real

    def check(self, url: str) -> None:
        """Raise FetchRefused unless `url` is a data: URL or an allowed file."""
        if url.startswith("data:"):
            return
        self.local_path(url)

    # -- answering --------------------------------------------------------------------
    def fetch(self, url: str) -> tuple[bytes, str, str]:
        """(body, mime type, final URL) of an allowed URL; records and raises FetchRefused otherwise."""
        try:
            if url.startswith("data:"):
                body, mime = decode_data_url(url)
                return body, mime, url
            path = self.local_path(url)
        except FetchRefused as exc:
            self.refused.append((url, str(exc)))
            raise
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return path.read_bytes(), mime, path.as_uri()


def decode_data_url(url: str) -> tuple[bytes, str]:
    """Body and mime type of a data: URL (RFC 2397), without urllib."""
    header, _, payload = url[5:].partition(",")
    parts = header.split(";")
    mime = parts[0] or "text/plain"
    if "base64" in parts[1:]:
        return base64.b64decode(unquote(payload)), mime
    return unquote(payload).encode("utf-8"), mime


class _RefScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []  # (url, kind, context)
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        values = {k.lower(): (v or "") for k, v in attrs}
        for name in RESOURCE_ATTRS.get(tag, ()):
            if values.get(name):
                self.found.append((values[name].strip(), "resource", f"<{tag} {name}>"))
        if "srcset" in values:
            for item in values["srcset"].split(","):
                if item.strip():
                    self.found.append((item.strip().split()[0], "resource", f"<{tag} srcset>"))
        rel = values.get("rel", "").lower().split()
        if "attachment" in rel:
            self.found.append((values.get("href", ""), "attachment", f"<{tag} rel=attachment>"))
        if tag == "a" and values.get("href", "").strip().lower().startswith("file:"):
            self.found.append((values["href"].strip(), "file-link", "<a href>"))
        if values.get("style"):
            self._css(values["style"], f"<{tag} style>")
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data, "<style>")

    def _css(self, css: str, context: str) -> None:
        for m in CSS_URL.finditer(css):
            self.found.append(((m.group(2) or m.group(4) or "").strip(), "resource", context))


def scan_html(html: str, base_url: str, fetcher: ProjectFetcher) -> list[Reference]:
    """Every reference in `html` that rendering would fetch (or attach) from outside the project."""
    scanner = _RefScanner()
    scanner.feed(html)
    scanner.close()
    out: list[Reference] = []
    for url, kind, context in scanner.found:
        if kind == "attachment":
            out.append(Reference(url, f"{context}：PDF 不嵌入附件，请改为普通链接。"
                                      " Attachments are never embedded in the PDFs; use a normal link."))
            continue
        if kind == "file-link":
            out.append(Reference(url, f"{context}：链接不能指向本机文件。 A link must not point at a local file."))
            continue
        if not url or url.startswith("#"):
            continue
        absolute = urljoin(base_url, url)
        try:
            fetcher.check(absolute)
        except FetchRefused as exc:
            scheme = urlparse(absolute).scheme
            if scheme in ("http", "https"):
                why = (f"{context}：PDF 不从网络加载任何内容。请把文件放进仓库（如 content/handbook/images/）并用相对路径引用。"
                       " PDFs never load anything from the network; put the file into the repository.")
            else:
                why = f"{context}：{exc}"
            out.append(Reference(url, why))
    return out
