"""downloads/report-<year>.pdf: the annual report as an A4 document, charts as vectors.

Rendered through rightsite.pdf (its fonts, fetcher and print CSS) and cached in
.cache/reports by a digest of the HTML, the stylesheets and the rendering code, with the
sha256 of the bytes verified on reuse, like the brochures.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from .. import urls
from ..load import Project
from ..problems import Problems

SECTIONS = [("foreword", "前言"), ("highlights", "年度要点"), ("complaints", "投诉受理概况"),
            ("natures", "投诉性质与行业"), ("handling", "处理结果与时效"), ("satisfaction", "消费者满意度"),
            ("outreach", "宣传与培训"), ("supervision", "质量监督"), ("suggestions", "改进建议"), ("definitions", "数据说明")]


def report_html(project: Project, view, theme: Path) -> str:
    from .view import context

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(theme)), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    ctx = context(view)
    assert project.site is not None  # the build stops on the error of a missing or invalid site.yml
    site = project.site.record
    sections = [(i, label) for i, label in SECTIONS
                if (i not in ("highlights", "suggestions") or (view.record and getattr(view.record, i)))
                and (i != "supervision" or ctx["supervision"])]

    def chart(c):
        # the web shows the charts in the reader's CJK font; print uses the project's own
        svg = re.sub(r"font-family:[^;\"]*", "font-family: 'Rightsite Sans SC'", c.svg)
        svg = Markup(" ".join(svg.split()))
        return Markup(f'<figure class="rp-chart">{svg}<figcaption>{Markup.escape(c.title)}</figcaption></figure>')

    return env.get_template("report.html.j2").render(
        site=site, v=view, charts=view.charts, sections=sections, chart=chart,
        url=urls.absolute(site.base_url, urls.report(view.year)), base=site.base_url, title=view.title,
        pct=lambda x: "—" if x is None else f"{x}%", num=lambda x: "—" if x is None else f"{x}", **ctx)


def build_report_pdfs(project: Project, out_dir: Path, cache_dir: Path, preview: bool = False) -> Problems:
    """Write downloads/report-<year>.pdf for every year with figures whose report is public
    (published, or a draft listed in `public_drafts`; every year in the editors' preview);
    reuse unchanged ones."""
    from ..pdf import render_pdf, unreadable
    from ..pdf.cache import PdfCache, pdf_defect, toolchain_key
    from .view import year_views

    out = Problems()
    theme = project.root / "theme" / "pdf"
    css = (theme / "report.css").read_text(encoding="utf-8")
    cache = PdfCache(cache_dir, "reports")
    site = project.site.record if project.site is not None else None
    for view in year_views(project):
        if not preview and site is not None and not site.report_is_public(view.year, view.status):
            continue  # a draft: its PDF would be reachable by its address although no page links it
        html = report_html(project, view, theme)
        key = hashlib.sha256("\0".join([html, css, (theme / "print.css").read_text(encoding="utf-8"),
                                        toolchain_key()]).encode()).hexdigest()[:40]
        output = urls.report_pdf(view.year)
        dest = out_dir / output
        if cache.reuse(output, key, dest):
            continue
        source = f"data/reports/{view.year}.yml"
        missing = _uncovered(html, cache_dir)
        if missing:
            out.error("pdf.glyph", source, 1, "",
                      f"年度报告中有字体不支持的字符：{'、'.join(missing[:10])}。请改用常用字符。 Characters not covered by the fonts.")
            continue
        created = view.published or dt.date(view.year, 12, 31)
        assert project.site is not None  # as in report_html
        result = render_pdf(html, None, title=view.title, base_dir=theme, author=project.site.record.group.name,
                            created=created, root=project.root, cache_dir=cache_dir, css=[css])
        before = len(out.items)
        for url, reason in result.refused:
            out.error("pdf.fetch", source, 1, "", f"年度报告 PDF 引用了不允许的资源 {url[:60]}（{reason}）。")
        if result.foreign_fonts:
            out.error("pdf.glyph", source, 1, "",
                      f"年度报告 PDF 用到了项目字体之外的字体 {', '.join(result.foreign_fonts)}：有字符不在项目字体中。")
        defect = pdf_defect(result.data)
        if defect:
            out.error("pdf.parse", source, 1, "", unreadable(output, defect))
        if len(out.items) == before:
            cache.store(output, key, result.data, dest)
    cache.save()
    return out


def _uncovered(html: str, cache_dir: Path) -> list[str]:
    from ..guard.privacy import html_text
    from ..pdf.fonts import describe_char, prepare_fonts

    return [describe_char(ch) for ch in prepare_fonts(cache_dir).uncovered(html_text(re.sub(r"<svg.*?</svg>", "", html, flags=re.S)))]
