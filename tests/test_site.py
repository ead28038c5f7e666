"""End to end: the sample project built into a website, as a reader would see it."""
from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from conftest import ROOT, TODAY, copy_project, edit

pytestmark = pytest.mark.slow


def build(root: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rightsite", "--root", str(root), "build", "--today", TODAY,
                           "--site-dir", str(site)], capture_output=True, text=True, cwd=root)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    root = copy_project(tmp_path_factory.mktemp("built"))
    # one record with markup in its text: it must come out escaped
    edit(root / "data/cases/2024-002.yml", "价款3299元。", "价款3299元。<script>alert(1)</script> & <b>x</b>。")
    edit(root / "data/cases/2024-002.yml", "title: 洗衣机三包期内两次修理仍不能正常使用退货纠纷",
         "title: '<img src=x onerror=alert(2)>洗衣机三包期内两次修理仍不能正常使用退货纠纷 {: onclick=alert(3) }'")
    edit(root / "content/handbook/nine-rights.md", "title: ", "title: <img src=y onerror=alert(4)>")
    edit(root / "data/events/2027-003.yml", "location: ", "location: 一层|中庭")
    # a chapter and a standard past their review dates; a planned event whose time has passed
    edit(root / "content/handbook/food-safety.md", "reviewed: 2026-03-06", "reviewed: 2025-03-10")
    edit(root / "data/standards/std-01.yml", "review_by: 2027-06-30", "review_by: 2026-10-31")
    edit(root / "data/events/2026-008.yml", "start: 2026-12-19", "start: 2026-11-14")
    edit(root / "data/events/2026-008.yml", "end: 2026-12-19", "end: 2026-11-14")
    result = build(root, root / "site")
    return root, root / "site", result


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """What a reader sees: tags removed, entities decoded."""
    import html as _html

    return re.sub(r"\s+", " ", _html.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_build_succeeds_without_warnings(built):
    _, site, result = built
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr and "Traceback" not in result.stderr
    # guard warnings are shown, but do not stop a non-strict build
    assert "[stale.chapter]" in result.stderr and "[stale.event]" in result.stderr
    assert (site / "index.html").exists() and (site / "404.html").exists() and (site / "sitemap.xml").exists()


def test_one_page_per_record_with_its_text(built):
    root, site, _ = built
    for kind in ("cases", "events", "standards"):
        for path in (root / "data" / kind).glob("*.yml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            html = page(site, f"{kind}/{path.stem}")
            assert data["title"] in text_of(html), path
            if kind == "cases":
                first_sentence = data["tips"].strip().split("。")[0]
                assert first_sentence in text_of(html)
            if kind == "standards":
                assert data["clauses"][0]["text"].strip()[:20] in text_of(html)


def test_case_page_sections_laws_and_related(built):
    _, site, _ = built
    html = page(site, "cases/2024-002")
    for heading in ("案情简介", "调解过程", "处理结果", "法律依据", "消费提示", "相关案例"):
        assert f">{heading}<" in html
    assert 'href="../../laws/#cpl-23"' in html and "《消法》第二十三条" in html
    assert 'href="../2025-001/"' in html
    assert "3,299.00 元" in html


def test_record_text_is_escaped(built):
    _, site, _ = built
    html = page(site, "cases/2024-002")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>x</b>" not in html
    for path in site.rglob("*.html"):  # titles reach headers, nav, lists and <title> on every page
        text = path.read_text(encoding="utf-8")
        assert "<img src=x" not in text and "<img src=y" not in text, path
        assert not re.search(r"<[^>]+\sonclick=", text), path
    assert "地点 一层|中庭" in text_of(page(site, "events/2027-003"))


def test_edit_links_point_at_yaml(built):
    _, site, _ = built
    assert "-/edit/main/data/cases/2024-002.yml" in page(site, "cases/2024-002")
    assert "-/edit/main/content/handbook/prepaid-cards.md" in page(site, "handbook/prepaid-cards")


def test_home_has_channels_events_cases_rights(built):
    _, site, _ = built
    home = text_of((site / "index.html").read_text(encoding="utf-8"))
    assert "400-820-6315" in home and "12315" in home
    assert "近期活动" in home and "最新案例" in home and "消费者的九项权利" in home
    assert "公平交易权" in home


def test_events_split_by_time_and_cancelled_marked(built):
    _, site, _ = built
    html = page(site, "events")
    upcoming, past = html.split('id="upcoming"', 1)[1].split('id="past"', 1)
    assert "2027年3月15日" in upcoming  # planned 3·15 2027
    assert "已取消" in past
    held = yaml.safe_load((ROOT / "data/events/2025-003.yml").read_text(encoding="utf-8"))
    assert held["title"] in text_of(past) and held["title"] not in text_of(upcoming)
    recap = page(site, "events/2025-003")
    assert "活动回顾" in recap and f"{held['recap']['attendance']} 人" in recap


def test_case_library_browsable_without_js(built):
    _, site, _ = built
    for facet in ("nature", "sector", "year", "outcome"):
        html = page(site, f"cases/by-{facet}")
        assert html.count('href="../2') >= 30, facet
    assert 'id="prepaid"' in page(site, "cases/by-nature")


def test_laws_page_anchors(built):
    root, site, _ = built
    html = page(site, "laws")
    laws = yaml.safe_load((root / "data/laws.yml").read_text(encoding="utf-8"))["laws"]
    for law in laws:
        assert f'id="{law["id"]}"' in html


def test_handbook_chapters_show_review_date(built):
    _, site, _ = built
    html = page(site, "handbook/prepaid-cards")
    assert "最近审核：2026年6月18日" in html
    assert "本章法律依据" in html


def test_nav_is_small(built):
    """Case and event pages are not in the sidebar (each page would carry the whole nav)."""
    _, site, _ = built
    html = page(site, "cases/2024-002")
    assert html.count('href="../2') < 5


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        rel = dict(attrs).get("rel") or ""
        for name, value in attrs:
            if name in ("src", "href", "srcset", "data-src", "poster") and value:
                # <link rel="canonical"> names the page's own public address; nothing is loaded
                kind = "a" if tag == "link" and rel in ("canonical", "alternate") else tag
                self.refs.append((kind, name, value))


def test_no_external_resources(built):
    """Nothing a page loads comes from another host; links out go only to known hosts."""
    root, site, _ = built
    allowed_links = {"rights.chengjianghui.example", "git.chengjianghui.example",
                     "www.chengjianghui.example", "www.12315.cn"}
    for html_path in site.rglob("*.html"):
        parser = _Refs()
        parser.feed(html_path.read_text(encoding="utf-8"))
        for tag, attr, value in parser.refs:
            url = urlparse(value)
            if url.scheme in ("", "tel", "mailto") or not url.netloc:
                continue
            assert tag == "a" and attr == "href", f"{html_path}: {tag} {attr}={value} loads from another host"
            assert url.netloc in allowed_links, f"{html_path}: link to unknown host {value}"
    for css in site.rglob("*.css"):
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            assert not re.match(r"(https?:)?//", ref), f"{css}: {ref}"
    for js in site.rglob("*.js"):
        text = js.read_text(encoding="utf-8", errors="replace")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text


def test_broken_case_fails_and_leaves_site_untouched(tmp_path):
    root = copy_project(tmp_path / "p")
    site = root / "site"
    assert build(root, site).returncode == 0
    before = (site / "index.html").read_bytes()
    edit(root / "data/cases/2024-002.yml", "closed: 2024-03-19", "closed: 2024-02-30")
    result = build(root, site)
    assert result.returncode == 1
    assert "data/cases/2024-002.yml:5: 错误 error [schema.date] closed:" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert (site / "index.html").read_bytes() == before
    assert not list(root.glob(".site.build-*"))
    # `mkdocs build` on its own refuses the same problem with the same message
    mk = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "-d", str(tmp_path / "mk")],
                        capture_output=True, text=True, cwd=root)
    assert mk.returncode == 1
    assert "data/cases/2024-002.yml:5: 错误 error [schema.date] closed:" in mk.stderr + mk.stdout


def test_pages_past_review_show_a_notice(built):
    _, site, _ = built
    html = page(site, "handbook/food-safety")
    assert "本页内容正在复核" in html and "最后审核于 2025年3月10日" in html
    assert "本页内容正在复核" in page(site, "standards/std-01")
    assert "本页内容正在复核" not in page(site, "handbook/prepaid-cards")
    assert "最近审核：2026年6月18日" in page(site, "handbook/prepaid-cards")


def test_past_event_never_upcoming(built):
    root, site, _ = built
    title = yaml.safe_load((root / "data/events/2026-008.yml").read_text(encoding="utf-8"))["title"]
    html = page(site, "events")
    upcoming = html.split('id="upcoming"', 1)[1].split('id="past"', 1)[0]
    assert title not in text_of(upcoming)
    assert title not in text_of((site / "index.html").read_text(encoding="utf-8"))
    assert "活动时间已过" in page(site, "events/2026-008")


def test_calendar_has_every_upcoming_event(built):
    from icalendar import Calendar

    root, site, _ = built
    cal = Calendar.from_ical((site / "events.ics").read_bytes())
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    expected = {}
    for path in (root / "data/events").glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["status"] != "held" and str(data["end"]) >= "2026-11-25":
            expected[f"event-{path.stem}@rights.chengjianghui.example"] = data
    assert set(events) == set(expected) and len(events) >= 5
    for uid, data in expected.items():
        ev = events[uid]
        assert str(ev["SUMMARY"]) == data["title"]
        assert ev["DTSTART"].dt.utcoffset().total_seconds() == 8 * 3600
        assert ev.decoded("dtstart").tzinfo is not None
        status = {"planned": "CONFIRMED", "postponed": "TENTATIVE", "cancelled": "CANCELLED"}[data["status"]]
        assert str(ev["STATUS"]) == status
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"


def test_per_event_ics_and_link(built):
    from icalendar import Calendar

    _, site, _ = built
    cal = Calendar.from_ical((site / "events/2027-003.ics").read_bytes())
    [ev] = cal.walk("VEVENT")
    assert str(ev["UID"]) == "event-2027-003@rights.chengjianghui.example"
    assert 'href="../2027-003.ics"' in page(site, "events/2027-003") and "添加到日历" in page(site, "events/2027-003")
    assert "添加到日历" not in page(site, "events/2025-003")  # past events: no calendar button


def test_cancelled_event_in_calendar_is_cancelled(built, tmp_path):
    from icalendar import Calendar

    from rightsite.load import load_project
    from rightsite.site.feeds import event_ics

    root, _, _ = built
    project = load_project(root)
    event = project.events["2027-001"].record.model_copy(update={"status": "cancelled"})
    [ev] = Calendar.from_ical(event_ics(project, event, __import__("datetime").date(2026, 11, 25))).walk("VEVENT")
    assert str(ev["STATUS"]) == "CANCELLED"
    assert str(ev["UID"]) == "event-2027-001@rights.chengjianghui.example"


def test_atom_feed_parses(built):
    import xml.etree.ElementTree as ET

    _, site, _ = built
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(site / "feed.xml").getroot()
    entries = feed.findall("a:entry", ns)
    assert len(entries) >= 20
    links = [e.find("a:link", ns).get("href") for e in entries]
    assert any("/cases/" in href for href in links) and any("/events/" in href for href in links)
    assert all(e.find("a:id", ns).text.startswith("tag:") for e in entries)
    assert len(set(links)) == len(links)


def test_event_jsonld(built):
    import json as _json

    root, site, _ = built
    for event_id, status in (("2027-003", "EventScheduled"), ("2025-008", "EventCancelled"), ("2026-006", "EventPostponed")):
        html = page(site, f"events/{event_id}")
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
        data = _json.loads(block)
        assert data["@type"] == "Event" and data["eventStatus"] == f"https://schema.org/{status}"
        assert data["startDate"].endswith("+08:00") and data["location"]["name"]
        assert data["organizer"]["name"].endswith("消费者权益保障小组")


def test_personal_data_in_built_output_stops_the_build(tmp_path):
    """Second line of defence: text that reaches the site from anywhere (here a template) is scanned."""
    root = copy_project(tmp_path / "p")
    edit(root / "theme/pages/channels.md.j2", "## 处理流程", "值班经理手机 13912345678\n\n## 处理流程")
    result = build(root, root / "site")
    assert result.returncode == 1
    assert "site/channels/index.html" in result.stderr and "[pii.mobile]" in result.stderr
    assert "13912345678" not in result.stderr
    assert not (root / "site").exists()


def _figures(root: Path, year: int) -> dict:
    import json as _json

    res = subprocess.run([sys.executable, "-m", "rightsite", "--root", str(root), "report", str(year), "--format", "json"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    return _json.loads(res.stdout)["figures"]


def test_report_pages_show_computed_figures_and_charts(built):
    root, site, _ = built
    f = _figures(root, 2024)
    html = page(site, "reports/2024")
    text = text_of(html)
    assert f"全年受理投诉{f['complaints.total']}件" in text  # placeholder filled from data
    assert "{complaints" not in text
    assert html.count('<svg role="img"') == 5 and html.count("数据表") == 5
    assert "<th>项目</th>" in html  # each chart's numbers as a table
    assert "数据说明" in text and "办结用时中位数" in text
    assert "草稿" in page(site, "reports/2025") and "草稿" not in text_of(page(site, "reports/2024").split("<article", 1)[-1])
    index = page(site, "reports")
    assert 'href="2024/"' in index and 'href="2025/"' in index


def _pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"] + (["-f", str(first), "-l", str(last)] if first else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_report_pdf_fonts_toc_and_figures(built):
    root, site, _ = built
    pdf = site / "downloads" / "report-2024.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [ln.split() for ln in fonts.splitlines()[2:] if ln.strip()]
    assert rows and all(r[-5:-3] == ["yes", "yes"] for r in rows), fonts  # embedded, subset
    assert "Rightsite-Sans-SC" in fonts
    f = _figures(root, 2024)
    assert str(f["complaints.total"]) in _pdf_text(pdf)
    toc = _pdf_text(pdf, 2, 2)
    import re as _re

    for heading in ("投诉性质与行业", "数据说明"):
        number = int(_re.search(heading + r"\s*\.+\s*(\d+)", toc).group(1))
        assert heading in _pdf_text(pdf, number, number), heading


@pytest.mark.parametrize("target", ["content", ".", "README.md", "data/x"])
def test_build_refuses_to_replace_project_files(tmp_path, target):
    root = copy_project(tmp_path / "p")
    (root / "README.md").write_text("keep me", encoding="utf-8")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    result = subprocess.run([sys.executable, "-m", "rightsite", "--root", str(root), "build", "--today", TODAY,
                             "--site-dir", str(root / target)], capture_output=True, text=True, cwd=root)
    assert result.returncode == 2 and "不能把网站生成到" in result.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_chapter_without_review_date_still_builds(tmp_path):
    root = copy_project(tmp_path / "p")
    path = root / "content/handbook/food-safety.md"
    path.write_text(path.read_text(encoding="utf-8").replace("reviewed: 2026-03-06\n", ""), encoding="utf-8")
    result = build(root, root / "site")
    assert result.returncode == 0, result.stderr
    assert "[stale.unknown]" in result.stderr  # not a git checkout: says so instead of guessing
    assert "最近审核：（日期不详）" in page(root / "site", "handbook/food-safety")
