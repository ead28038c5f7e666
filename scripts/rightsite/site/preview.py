"""`make serve`: the guard's problems shown where the editor looks, instead of a build that stops.

The public build (`rightsite build`, `mkdocs build`) still refuses to publish anything with errors.
The preview builds what it can: a page whose record has problems shows them at its top (rule,
field, line, message with the fix); a record too broken to show gets a stand-in page at its
address; problems of files without a page (site.yml, laws.yml, …) are listed on the home page,
and every page says how many problems the preview has. All of it is escaped: messages quote
the editor's text.
"""
from __future__ import annotations

import html
import re
from collections import defaultdict

from .. import urls
from ..problems import Problem, Problems

_PAGE_OF_KIND = {"cases": urls.case, "events": urls.event, "standards": urls.standard}
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_LABEL = {"error": "错误", "warning": "警告"}


def by_file(problems: Problems) -> dict[str, list[Problem]]:
    out: dict[str, list[Problem]] = defaultdict(list)
    for p in problems.sorted():
        out[p.file].append(p)
    return dict(out)


def _row(p: Problem) -> str:
    where = f"第 {p.line} 行" + (f" · {p.field}" if p.field else "")
    return (f'<li class="rs-problem rs-problem--{p.level}"><strong>{_LABEL.get(p.level, p.level)}</strong> '
            f'<code>{html.escape(p.file)}</code> {html.escape(where)} '
            f'<span class="rs-problem__rule">[{html.escape(p.rule)}]</span><br>{html.escape(p.message)}</li>')


def box(found: list[Problem], title: str) -> str:
    """An admonition listing `found`, for the top of a page."""
    errors = sum(p.level == "error" for p in found)
    kind = "danger" if errors else "warning"
    rows = "".join(_row(p) for p in found)
    return (f'<div class="admonition {kind} rs-problems" role="alert"><p class="admonition-title">{html.escape(title)}</p>'
            f'<ul>{rows}</ul><p>改正后保存文件，预览会自动刷新。公开发布前必须改正全部错误。</p></div>\n')


def page_box(found: list[Problem]) -> str:
    c = {"error": sum(p.level == "error" for p in found), "warning": sum(p.level == "warning" for p in found)}
    return box(found, f"预览：本页的记录有 {c['error']} 个错误、{c['warning']} 个警告")


def summary_line(problems: Problems) -> str:
    c = problems.counts()
    return (f'<p class="rs-problems-count" role="status">预览：共发现 {c["error"]} 个错误、{c["warning"]} 个警告，'
            '详见各页顶部和首页。</p>\n') if problems.items else ""


def stand_ins(project, found: dict[str, list[Problem]]) -> list[tuple[str, str]]:
    """(src_uri, markdown) of a stand-in page for each record that could not be read at all."""
    out = []
    for kind, records in project.invalid.items():
        page = _PAGE_OF_KIND.get(kind)
        if page is None:
            continue
        for stem, (rel, _doc) in records.items():
            if not _ID.fullmatch(stem):
                continue  # a file name that is not an id has no address (its problem says so)
            body = box(found.get(rel, []), f"预览：{rel} 有错误，暂时无法显示这一页")
            out.append((page(stem), f"# {html.escape(stem)}\n\n{body}"))
    return out
