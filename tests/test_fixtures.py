"""Other malls' content builds: the fixture projects under tests/fixtures/, built end to end.

Every expected value here comes from the fixture's own files, read independently of rightsite
(the CSV with the csv module, the YAML with PyYAML), or is a literal of the fixture. Nothing
reads the live sample's values: the sample only has its smoke test at the end.
"""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE_NAMES, FIXTURES, check_json, copy_with_cache, fixture_project, line_of, run_cli

SAMPLE_LITERALS = ("澄江", "chengjianghui", "滨江大道", "消保小组")


# ---- reading what a visitor sees ---------------------------------------------------------
class _Visible(HTMLParser):
    """Text a reader sees: no <script>, <style>, <code> or <pre>, no attributes."""

    SKIP = {"script", "style", "code", "pre", "svg", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(p for p in parser.parts if p.strip())


def squash(text: str) -> str:
    """Whitespace does not matter to a reader of Chinese, and HTML spreads it around tags."""
    return re.sub(r"\s+", "", text)


def article_text(page: Path) -> str:
    """The visible text of the page's article, whitespace removed (compare with `squash`ed strings)."""
    html = page.read_text(encoding="utf-8")
    m = re.search(r"<article.*?</article>", html, re.S)
    return squash(visible_text(m.group(0) if m else html))


RAW_MARKDOWN = [
    (re.compile(r"(?m)^\s*\|.*\|\s*$"), "table row"),
    (re.compile(r"\|\s*:?-{3,}"), "table rule"),
    (re.compile(r"\*\*"), "bold markers"),
    (re.compile(r"\]\("), "link syntax"),
    (re.compile(r"\{:"), "attribute list"),
    (re.compile(r"\{\{|\}\}"), "template braces"),
    (re.compile(r"(?m)^#{1,6} "), "heading marker"),
]


def raw_markdown(page: Path) -> list[str]:
    """Markdown syntax left in the visible text of a built page."""
    text = visible_text(page.read_text(encoding="utf-8"))
    found = []
    for pattern, what in RAW_MARKDOWN:
        m = pattern.search(text)
        if m:
            found.append(f"{what}: {text[max(0, m.start() - 30):m.end() + 30]!r}")
    return found


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


# ---- reading the fixture's data independently ---------------------------------------------
def fixture_yaml(name: str, rel: str):
    return yaml.safe_load((FIXTURES / name / rel).read_text(encoding="utf-8-sig"))


def fixture_csv(name: str, year: int) -> list[dict[str, str]]:
    raw = (FIXTURES / name / "data" / "complaints" / f"{year}.csv").read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def half_up(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), ROUND_HALF_UP))


def independent_figures(name: str, year: int) -> dict:
    rows = fixture_csv(name, year)
    cats = fixture_yaml(name, "data/categories.yml")
    resolved_names = {o["name"] for o in cats["outcomes"] if o["resolution"] in ("resolved", "partly")}
    total = len(rows)
    resolved = sum(r["outcome"] in resolved_names for r in rows)
    scores = [int(r["satisfaction"]) for r in rows if r["satisfaction"]]
    channels = Counter(r["channel"] for r in rows)
    return {
        "complaints.total": total,
        "complaints.by_channel": {c["name"]: channels.get(c["name"], 0) for c in cats["channels"]},
        "complaints.by_month": {f"{m:02d}": sum(r["received"][5:7] == f"{m:02d}" for r in rows) for m in range(1, 13)},
        "complaints.closed": sum(bool(r["closed"]) for r in rows),
        "complaints.resolved": resolved,
        "complaints.resolved.share": half_up(Decimal(resolved) * 100 / total),
        "complaints.amount_recovered": float(sum((Decimal(r["amount_recovered"] or "0") for r in rows), Decimal(0))),
        "satisfaction.mean": half_up(Decimal(sum(scores)) / len(scores)),
    }


@pytest.fixture(params=FIXTURE_NAMES)
def fx(request, built_fixture):
    return request.param, built_fixture(request.param)


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# ---- each fixture builds, as its own mall ------------------------------------------------
@pytest.mark.slow
def test_fixture_builds_strict_with_no_problem(fx):
    name, b = fx
    assert b.code == 0, b.err
    assert "WARNING" not in b.err and "ERROR" not in b.err, b.err
    assert (b.site / "index.html").exists() and (b.site / "downloads" / "handbook.pdf").exists()


@pytest.mark.slow
def test_no_trace_of_the_sample_mall_in_pages_feeds_and_pdfs(fx):
    name, b = fx
    texts = {p: p.read_text(encoding="utf-8") for p in pages(b.site)}
    texts.update({b.site / f: (b.site / f).read_text(encoding="utf-8") for f in ("feed.xml", "events.ics", "sitemap.xml")})
    texts.update({p: pdf_text(p) for p in sorted((b.site / "downloads").rglob("*.pdf"))})
    assert len(texts) > 20
    for path, text in texts.items():
        for literal in SAMPLE_LITERALS:
            assert literal not in text, (literal, path)


@pytest.mark.slow
def test_every_page_is_titled_and_described_with_the_fixtures_own_site(fx):
    name, b = fx
    site = fixture_yaml(name, "data/site.yml")
    for page in pages(b.site):
        if page.name == "index.html" and page.parent.name == "admin":
            continue
        html = page.read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert title.endswith(site["site_name"]), (page, title)
    home = (b.site / "index.html").read_text(encoding="utf-8")
    assert f'<meta name="description" content="{site["site_description"]}">' in home


@pytest.mark.slow
def test_no_raw_markdown_on_any_built_page(fx):
    name, b = fx
    bad = {str(p.relative_to(b.site)): found for p in pages(b.site) if (found := raw_markdown(p))}
    assert bad == {}


@pytest.mark.slow
def test_index_pages_show_real_tables(fx):
    name, b = fx
    for section, first_header in (("handbook", "章节"), ("standards", "标准")):
        html = (b.site / section / "index.html").read_text(encoding="utf-8")
        assert re.search(rf"<table>\s*<thead>\s*<tr>\s*<th[^>]*>{first_header}</th>", html), section
    chapters = sorted((FIXTURES / name / "content" / "handbook").glob("*.md"))
    table = re.search(r"<table>.*?</table>", (b.site / "handbook" / "index.html").read_text(encoding="utf-8"), re.S)
    assert table.group(0).count("<tr>") == 1 + len([c for c in chapters if c.name != "index.md"])


@pytest.mark.slow
def test_report_figures_equal_an_independent_count_of_the_csv(fx, capsys):
    name, b = fx
    for year in sorted(int(p.stem) for p in (FIXTURES / name / "data" / "complaints").glob("*.csv")):
        code, out, err = run_cli(capsys, "--root", str(b.root), "report", str(year), "--format", "json")
        assert code == 0, err
        figures = json.loads(out)["figures"]
        expected = independent_figures(name, year)
        assert {k: figures[k] for k in expected} == expected


@pytest.mark.slow
def test_report_page_shows_the_resolution_rate_and_names_the_fixtures_outcomes(fx):
    name, b = fx
    year = max(int(p.stem) for p in (FIXTURES / name / "data" / "complaints").glob("*.csv"))
    expected = independent_figures(name, year)
    text = article_text(b.site / "reports" / str(year) / "index.html")
    assert squash(f"解决率 {expected['complaints.resolved.share']}%") in text
    cats = fixture_yaml(name, "data/categories.yml")
    names = "、".join(f"“{o['name']}”" for o in cats["outcomes"] if o["resolution"] in ("resolved", "partly"))
    assert squash(f"解决件数：处理结果算作解决或部分解决（{names}）的件数。") in text


@pytest.mark.slow
def test_atom_ids_are_dated_by_each_records_own_year(fx):
    name, b = fx
    host = re.match(r"https://([^/]+)/", fixture_yaml(name, "data/site.yml")["base_url"]).group(1)
    ids = re.findall(r"<id>(tag:[^<]+)</id>", (b.site / "feed.xml").read_text(encoding="utf-8"))
    cases = sorted(p.stem for p in (FIXTURES / name / "data" / "cases").glob("*.yml"))
    assert {f"tag:{host},{c[:4]}:cases/{c}" for c in cases} <= set(ids)


# ---- what differs between the two malls --------------------------------------------------
@pytest.mark.slow
def test_qinghe_home_features_what_its_site_yml_declares(built_fixture):
    b = built_fixture("qinghe")
    text = article_text(b.site / "index.html")
    assert text.startswith("青禾里消费维权服务站¶")  # the group name already names the mall
    assert squash("客服热线 400-660-1315 每日 9:30–21:00 · 一层客服中心：一层南门入口左侧客服中心 · 全国 12315") in text
    assert "消费维权热线" not in text
    assert squash("在青禾里买菜、带孩子上课、办健身卡遇到麻烦") in text
    laws = {law["id"]: law for law in fixture_yaml("qinghe", "data/laws.yml")["laws"]}
    assert squash("消费者依法享有的权利") in text
    for right, law_id in (("安全权", "cpl-7"), ("知情权", "cpl-8"), ("公平交易权", "cpl-10"),
                          ("依法求偿权", "cpl-11"), ("受尊重权", "cpl-14")):
        summary = laws[law_id]["summary"].split("：", 1)[-1]
        assert squash(f"{right} ：{summary}") in text, right
    html = (b.site / "index.html").read_text(encoding="utf-8")
    assert 'href="handbook/tousu-zhinan/"' in html and 'href="handbook/quanli/"' in html
    assert 'href="laws/#cpl-14"' in html
    assert squash("微信公众号“青禾里生活” ： 青禾里生活 微信搜索公众号“青禾里生活”，点击菜单“维权服务”留言") in text


@pytest.mark.slow
def test_nanyu_home_degrades_to_nothing_without_a_home_block(built_fixture):
    b = built_fixture("nanyu")
    text = article_text(b.site / "index.html")
    assert "权利" not in text  # no rights section
    assert "全国12315" not in text  # no 12315 channel declared
    assert "消费维权热线" not in text
    html = (b.site / "index.html").read_text(encoding="utf-8")
    assert "handbook/" not in re.search(r"<article.*?</article>", html, re.S).group(0).split("近期活动")[0]
    assert squash("南屿湾小程序 ： 南屿湾购物公园 微信搜索小程序“南屿湾购物公园”") in text


@pytest.mark.slow
def test_channels_page_promises_only_what_the_site_yml_promises(built_fixture):
    qinghe = article_text(built_fixture("qinghe").site / "channels" / "index.html")
    assert squash("找维权站。 协商不成，可通过上表任一渠道投诉。接到投诉后当日登记，3 个工作日内联系双方，15 个工作日内给出处理意见。") in qinghe
    nanyu = article_text(built_fixture("nanyu").site / "channels" / "index.html")
    assert squash("协商不成，可通过上表任一渠道投诉。 找消费者协会") in nanyu
    assert "工作日内" not in nanyu


@pytest.mark.slow
def test_a_ten_point_survey_reads_as_ten_points(built_fixture):
    b = built_fixture("qinghe")
    survey = fixture_yaml("qinghe", "data/surveys/2025.yml")
    assert survey["scale_max"] == 10
    text = article_text(b.site / "reports" / "2025" / "index.html")
    assert squash("（满分 10分）") in text and "10.0分" not in text


@pytest.mark.slow
def test_handbook_pdf_about_lists_the_fixtures_own_chapters(built_fixture):
    b = built_fixture("qinghe")
    text = re.sub(r"\s+", "", pdf_text(b.site / "downloads" / "handbook.pdf"))
    fronts = [fixture_yaml_front("qinghe", p) for p in (FIXTURES / "qinghe/content/handbook").glob("*.md")]
    titles = [f["title"] for f in sorted(fronts, key=lambda f: f["order"])]
    assert squash(f"本手册由青禾里消费维权服务站编写，共{len(titles)}章：{'、'.join(titles)}。") in text
    assert "预付卡" not in text.split("目录")[0]


def fixture_yaml_front(name: str, path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


# ---- the guard reports a bad home block where an editor can fix it -------------------------
def test_home_block_references_are_checked_with_their_line(capsys, tmp_path):
    root = fixture_project("qinghe", tmp_path / "p")
    site = root / "data" / "site.yml"
    text = site.read_text(encoding="utf-8")
    text = text.replace("complaint_chapter: tousu-zhinan", "complaint_chapter: how-to-complain")
    text = text.replace("{name: 受尊重权, law: cpl-14}", "{name: 受尊重权, law: cpl-99}")
    site.write_text(text, encoding="utf-8")
    code, report = check_json(capsys, root)
    assert code == 1
    found = [(p["rule"], p["file"], p["line"], p["field"]) for p in report["problems"]]
    assert found == [
        ("ref.chapter", "data/site.yml", line_of(site, "complaint_chapter:"), "home.complaint_chapter"),
        ("ref.law", "data/site.yml", line_of(site, "cpl-99"), "home.rights.items[4].law"),
    ]
    chapter = next(p for p in report["problems"] if p["rule"] == "ref.chapter")
    assert chapter["message"] == ("手册章节“how-to-complain”不存在（content/handbook/how-to-complain.md）。"
                                  "请写章节的文件名（不含 .md），现有：mingma-biaojia、quanli、tousu-zhinan；或删去这一行。"
                                  " Unknown handbook chapter.")


def test_outcomes_must_say_whether_they_count_as_resolved(capsys, tmp_path):
    root = fixture_project("nanyu", tmp_path / "p")
    cats = root / "data" / "categories.yml"
    text = cats.read_text(encoding="utf-8")
    text = re.sub(r", resolution: \w+", "", text, count=1)
    cats.write_text(text, encoding="utf-8")
    code, report = check_json(capsys, root)
    assert code == 1
    [problem] = report["problems"]  # and no cascade into the cases and standards that name categories
    assert (problem["rule"], problem["file"], problem["line"], problem["field"]) == (
        "schema.missing", "data/categories.yml", line_of(cats, "slug: done"), "outcomes[0].resolution")


# What the sample (澄江汇购物中心) used when the fixtures were written, frozen here: the test must not
# read the live sample, which editors change freely.
SAMPLE_WHEN_FROZEN = {
    "mall": "澄江汇购物中心",
    "channel_ids": {"hotline", "email", "online", "desk", "12315"},
    "chapters": {"food-safety.md", "fraud-damages.md", "how-to-complain.md", "mall-commitments.md", "nine-rights.md",
                 "prepaid-cards.md", "price-marking.md", "returns-and-sanbao.md", "seven-day-return.md"},
    "outcomes": {("调解成功", "resolved"), ("部分支持", "partly"), ("调解不成", "failed"), ("撤回", "withdrawn"),
                 ("转办", "referred")},
    "channels": {("服务台", "desk"), ("热线电话", "hotline"), ("电子邮件", "email"), ("在线留言", "online"),
                 ("12315转办", "12315"), ("消协转办", "cca")},
    "sector_slugs": {"clothing", "jewelry", "appliances", "phones", "food", "cosmetics", "eyewear", "home", "kids-goods",
                     "catering", "beauty", "education", "fitness", "kids-play", "cinema", "parking", "other"},
}


def test_fixtures_differ_from_the_sample_in_every_dimension():
    frozen = SAMPLE_WHEN_FROZEN
    for name in FIXTURE_NAMES:
        site = fixture_yaml(name, "data/site.yml")
        cats = fixture_yaml(name, "data/categories.yml")
        assert site["mall"]["name"] != frozen["mall"]
        assert {c["id"] for c in site["channels"]}.isdisjoint(frozen["channel_ids"])
        assert {(c["name"], c["slug"]) for c in cats["outcomes"]}.isdisjoint(frozen["outcomes"])
        assert {(c["name"], c["slug"]) for c in cats["channels"]}.isdisjoint(frozen["channels"])
        assert {c["slug"] for c in cats["sectors"]}.isdisjoint(frozen["sector_slugs"])
        assert {p.name for p in (FIXTURES / name / "content/handbook").glob("*.md")}.isdisjoint(frozen["chapters"])
        laws = {law["id"] for law in fixture_yaml(name, "data/laws.yml")["laws"]}
        assert 8 <= len(laws) <= 14  # a subset of the articles, not the sample's whole list
        assert any(c["kind"] == "wechat" for c in site["channels"])
    raw = (FIXTURES / "qinghe/data/complaints/2025.csv").read_bytes()
    assert b"\r\n" in raw and not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert fixture_yaml("qinghe", "data/surveys/2025.yml")["scale_max"] == 10


# ---- the sample: a smoke test only (editors change it freely) ------------------------------
@pytest.mark.slow
def test_sample_builds_and_its_pages_show_no_raw_markdown(built_sample):
    """The sample builds with no error and no warning but the articles its editors could not verify
    against an official text (each is `verified: false` with its reason: shown as 待核实)."""
    assert built_sample.code == 0, built_sample.err
    assert "WARNING" not in built_sample.err
    warned = re.findall(r"警告 warning \[([a-z_.]+)\]", built_sample.err)
    assert set(warned) <= {"law.unverified"}, built_sample.err
    bad = {str(p.relative_to(built_sample.site)): found for p in pages(built_sample.site) if (found := raw_markdown(p))}
    assert bad == {}



def test_check_reports_a_dead_link_of_a_generated_page_against_its_source(capsys, nanyu):
    template = nanyu / "theme" / "pages" / "home.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n[投诉须知](handbook/how-to-complain.md)\n",
                        encoding="utf-8")
    code, report = check_json(capsys, nanyu)
    assert code == 1
    assert [(p["rule"], p["file"], p["line"]) for p in report["problems"]] == [("link.generated", "data/site.yml", 1)]
    assert report["problems"][0]["message"] == (
        "生成的页面 index.md 链接到不存在的页面 handbook/how-to-complain.md（链接文字“投诉须知”）。"
        "请检查这里引用的章节、条款或记录编号。 A generated page links to a missing page or anchor.")


@pytest.mark.slow
def test_mkdocs_build_publishes_the_same_files_as_rightsite_build(built_fixture, tmp_path):
    import os
    import sys

    b = built_fixture("nanyu")
    root = fixture_project("nanyu", tmp_path / "p")
    copy_with_cache(b.root / ".cache", root / ".cache", cache="")  # the PDFs' digest cache: reused, not rendered again
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "RIGHTSITE_TODAY": "2026-11-25"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "out")], cwd=root,
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    ours = {p.relative_to(b.site).as_posix() for p in b.site.rglob("*") if p.is_file()} - {".rightsite-build"}
    theirs = {p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    assert "downloads/handbook.pdf" in theirs and "downloads/report-2025.pdf" in theirs
    assert theirs == ours


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_the_url_registry_names_exactly_the_generated_pages(name, tmp_path):
    import datetime as dt

    from rightsite import urls
    from rightsite.load import load_project
    from rightsite.site.pages import SiteContent, section_intros

    root = fixture_project(name, tmp_path / "p")
    project = load_project(root)
    generated = {p.src_uri for p in SiteContent(project, dt.date(2026, 11, 25), root / "theme").pages(section_intros(root))}
    chapters = {urls.chapter(c.file) for c in project.chapters.values()}
    assert generated | chapters == set(urls.page_uris(project))
    assert urls.url("cases/2025-001.md") == "cases/2025-001/" and urls.url("index.md") == ""
    assert urls.url("reports/index.md") == "reports/"


def test_new_records_use_the_projects_own_names(capsys, nanyu):
    cats = fixture_yaml("nanyu", "data/categories.yml")
    for kind in ("case", "event", "standard"):
        code, out, err = run_cli(capsys, "--root", str(nanyu), "new", kind, "--today", "2026-11-25")
        assert code == 0, err
    case = yaml.safe_load((nanyu / "data/cases/2026-002.yml").read_text(encoding="utf-8"))
    assert [case[k] for k in ("nature", "sector", "channel", "outcome")] == [
        cats[p][0]["name"] for p in ("natures", "sectors", "channels", "outcomes")]
    assert case["laws"] == [fixture_yaml("nanyu", "data/laws.yml")["laws"][0]["id"]]
    owner = fixture_yaml("nanyu", "data/site.yml")["group"]["owner"]
    assert yaml.safe_load((nanyu / "data/events/2026-003.yml").read_text(encoding="utf-8"))["owner"] == owner
    code, report = check_json(capsys, nanyu)
    assert code == 1 and {p["rule"] for p in report["problems"]} == {"schema.placeholder"}
