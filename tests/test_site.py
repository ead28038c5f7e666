"""End to end: the fixture projects (other malls, frozen under tests/fixtures/) built into websites,
as a reader would see them.

Expected values come from the fixtures' own files (read here with PyYAML / csv) or are literals of
the fixtures; nothing reads the live sample, which editors change freely. Read-only checks use the
shared strict builds (`built_fixture`); checks that need a record with markup, pages past their
review date or a planned event already over use one edited copy of qinghe, built once per run;
tests that break a project work on a fresh copy.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from conftest import FIXTURE_NAMES, FIXTURES, TODAY, Built, build_copy, copy_with_cache, edit, fixture_project, line_of
from test_fixtures import article_text, fixture_csv, fixture_yaml, pages, squash, visible_text

pytestmark = pytest.mark.slow

QINGHE_HOST = "weiquan.qinghe-plaza.example"
NANYU_HOST = "care.nanyu-park.example"
PAST_EVENT = "2026-003"  # added to the edited qinghe: planned, but over before TODAY
PAST_EVENT_TITLE = "双十一购物节消费提示讲座"


def build(root: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rightsite", "--root", str(root), "build", "--today", TODAY,
                           "--site-dir", str(site)], capture_output=True, text=True, cwd=root)


# ---- one edited copy of qinghe, built once for the whole run (shared by the xdist workers) ----
def _make_edited(root: Path) -> None:
    fixture_project("qinghe", root)
    # one record with markup in its text: it must come out escaped
    case = root / "data/cases/2025-003.yml"
    edit(case, "价格1299元。", "价格1299元。<script>alert(1)</script> & <b>x</b>。")
    edit(case, "title: 扫地机器人两次维修仍无法充电退货纠纷",
         "title: '<img src=x onerror=alert(2)>扫地机器人两次维修仍无法充电退货纠纷 {: onclick=alert(3) }'")
    edit(root / "content/handbook/quanli.md", "title: ", "title: <img src=y onerror=alert(4)>")
    edit(root / "data/events/2026-002.yml", "location: 三层多功能厅", "location: 三层|多功能厅")
    # a chapter and a standard past their review dates; a planned event whose time has passed
    edit(root / "content/handbook/mingma-biaojia.md", "reviewed: 2026-09-01", "reviewed: 2025-03-10")
    edit(root / "data/standards/std-01.yml", "review_by: 2027-06-30", "review_by: 2026-10-31")
    planned = (root / "data/events/2026-002.yml").read_text(encoding="utf-8")
    past = planned.replace("id: 2026-002", f"id: {PAST_EVENT}").replace(
        "title: 年终购物季消费维权讲座", f"title: {PAST_EVENT_TITLE}").replace("2026-12-12T", "2026-11-14T")
    assert past.count("2026-11-14T") == 2 and PAST_EVENT_TITLE in past
    (root / f"data/events/{PAST_EVENT}.yml").write_text(past, encoding="utf-8")


@pytest.fixture(scope="session")
def edited(shared_dir) -> Built:
    """The edited qinghe built once per run by `rightsite build` (not strict: its guard warnings must not stop it)."""
    return build_copy(shared_dir, "qinghe-edited", "qinghe", _make_edited, strict=False)


@pytest.fixture
def qb(built_fixture) -> Built:
    """The shared strict build of qinghe (青禾里生活广场)."""
    b = built_fixture("qinghe")
    assert b.code == 0, b.err
    return b


@pytest.fixture(params=FIXTURE_NAMES)
def fx(request, built_fixture) -> tuple[str, Built]:
    b = built_fixture(request.param)
    assert b.code == 0, b.err
    return request.param, b


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def art(site: Path, path: str) -> str:
    """The visible text of a page's article, whitespace removed."""
    return article_text(site / path / "index.html")


def seen(html: str) -> str:
    """What a reader sees of an HTML fragment, whitespace removed."""
    return squash(visible_text(html))


def upcoming_and_past(site: Path) -> tuple[str, str]:
    html = page(site, "events")
    upcoming, past = html.split('id="upcoming"', 1)[1].split('id="past"', 1)
    return upcoming, past


def records(name: str, kind: str) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((FIXTURES / name / "data" / kind).glob("*.yml"))}


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# ---- the build -----------------------------------------------------------------------------
def test_build_succeeds_without_warnings(edited):
    root, site = edited.root, edited.site
    assert edited.code == 0, edited.err
    assert "WARNING" not in edited.err and "Traceback" not in edited.err
    # guard warnings are shown, each where an editor fixes it, but do not stop a non-strict build
    chapter = root / "content/handbook/mingma-biaojia.md"
    event = root / f"data/events/{PAST_EVENT}.yml"
    standard = root / "data/standards/std-01.yml"
    assert (f"content/handbook/mingma-biaojia.md:{line_of(chapter, 'reviewed:')}: 警告 warning [stale.chapter] reviewed:"
            in edited.err), edited.err
    assert f"data/events/{PAST_EVENT}.yml:{line_of(event, 'status:')}: 警告 warning [stale.event] status:" in edited.err
    assert (f"data/standards/std-01.yml:{line_of(standard, 'review_by:')}: 警告 warning [stale.standard] review_by:"
            in edited.err)
    assert "0 个错误 errors, 3 个警告 warnings" in edited.err
    assert (site / "index.html").exists() and (site / "404.html").exists() and (site / "sitemap.xml").exists()


# ---- records ------------------------------------------------------------------------------
def test_one_page_per_record_with_its_text(fx):
    name, b = fx
    for kind in ("cases", "events", "standards"):
        recs = records(name, kind)
        built = {p.parent.name for p in (b.site / kind).glob("*/index.html") if not p.parent.name.startswith("by-")}
        opted_in = kind == "standards" and "merchant_list" in fixture_yaml(name, "data/site.yml")
        assert built == set(recs) | ({"merchants"} if opted_in else set()), kind  # the opt-in 放心消费 list
        for rid, data in recs.items():
            text = art(b.site, f"{kind}/{rid}")
            assert squash(data["title"]) in text, (kind, rid)
            if kind == "cases":
                first_sentence = data["tips"].strip().split("。")[0]
                assert squash(first_sentence) in text, rid
            if kind == "standards":
                assert squash(data["clauses"][0]["text"].strip()[:20]) in text, rid


def test_case_page_sections_laws_and_related(qb):
    html = page(qb.site, "cases/2026-001")
    for heading in ("案情简介", "调解过程", "处理结果", "法律依据", "消费提示", "相关案例"):
        assert f">{heading}<" in html, heading
    assert 'href="../../laws/#price-8"' in html and "《明码标价规定》第八条" in html
    assert 'href="../2025-001/"' in html  # related: [2025-001]
    assert "<td>120.00 元</td>" in html
    assert "<td>1,299.00 元</td>" in page(qb.site, "cases/2025-003")  # thousands separated


def test_standard_clauses_are_stacked_blocks(fx):
    """Each clause is one block: its number and level, its text, its legal basis; no clause table
    whose columns a phone squeezes to four characters."""
    name, b = fx
    for sid, data in records(name, "standards").items():
        html = page(b.site, f"standards/{sid}")
        assert ">依据</th>" not in html and ">内容</th>" not in html, sid
        blocks = re.findall(r'<li class="rs-clause" id="clause-([^"]+)">(.*?)</li>', html, re.S)
        assert blocks and [n for n, _ in blocks] == [str(c["number"]) for c in data["clauses"]], sid
        for (number, body), clause in zip(blocks, data["clauses"]):
            text = seen(body)
            assert text.startswith(f"第{number}条{clause['level']}"), (sid, text)
            assert squash(clause["text"]) in text, (sid, number)
            for law_id in clause.get("laws", []):
                assert f'href="../../laws/#{law_id}"' in body, (sid, number, law_id)
            if clause.get("laws"):
                assert "依据：" in text


class _Handlers(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]


def _event_handlers(html: str) -> list[str]:
    """Event-handler attributes (onclick=…) of the elements of a page."""
    parser = _Handlers()
    parser.feed(html)
    return parser.found


def test_record_text_is_escaped(edited):
    assert edited.code == 0, edited.err
    site = edited.site
    html = page(site, "cases/2025-003")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>x</b>" not in html
    checked = 0
    for path in site.rglob("*.html"):  # titles reach headers, nav, lists and <title> on every page
        text = path.read_text(encoding="utf-8")
        assert "<img src=x" not in text and "<img src=y" not in text, path
        assert _event_handlers(text) == [], path  # escaped text inside an attribute (og:title) is no handler
        checked += 1
    assert checked > 20
    assert squash("地点 三层|多功能厅") in art(site, "events/2026-002")


def test_public_build_links_to_no_repository(fx):
    """The public site carries no 源文件 link and no 编辑此页 pencil: the git host is internal."""
    name, b = fx
    repo = fixture_yaml(name, "data/site.yml").get("repo_url")
    for p in pages(b.site):
        html = p.read_text(encoding="utf-8")
        assert "源文件" not in html and "md-content__button" not in html and "编辑此页" not in html, p
        assert not repo or urlparse(repo).hostname not in html, p


def test_preview_keeps_edit_links_and_shows_drafts(qb, tmp_path):
    """The editors' preview (`make serve`, here RIGHTSITE_PREVIEW=1) links each page to the file
    an editor changes, and shows a draft report the public site leaves out."""
    root = tmp_path / "qinghe"
    copy_with_cache(qb.root, root, skip=("site",))
    edit(root / "data/site.yml", "public_drafts: [2025]\n", "")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "RIGHTSITE_TODAY": TODAY, "RIGHTSITE_PREVIEW": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "out")], cwd=root,
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out"
    edit_base = "https://code.qinghe-plaza.example/kefu/weiquan/src/branch/main/"
    assert f'href="{edit_base}data/cases/2026-001.yml"' in page(out, "cases/2026-001")
    assert f'href="{edit_base}content/handbook/tousu-zhinan.md"' in page(out, "handbook/tousu-zhinan")
    assert "源文件" in page(out, "")
    assert "草稿" in art(out, "reports/2025") and 'href="2025/"' in page(out, "reports")


def test_draft_report_only_in_preview_unless_listed(qinghe):
    from rightsite.load import load_project
    from rightsite.site.pages import SiteContent

    edit(qinghe / "data/site.yml", "public_drafts: [2025]\n", "")
    today = dt.date.fromisoformat(TODAY)

    def built(preview: bool) -> dict[str, str]:
        content = SiteContent(load_project(qinghe), today, qinghe / "theme", preview=preview)
        return {p.src_uri: p.markdown for p in content.pages()}

    public, preview = built(False), built(True)
    assert "reports/2025.md" not in public and "reports/2024.md" in public
    assert "2025.md" not in public["reports/index.md"] and "reports/2025.md" not in public["standards/index.md"]
    assert "reports/2025.md" in preview and "(2025.md)" in preview["reports/index.md"]


def test_home_has_channels_events_cases_rights(qb):
    home = article_text(qb.site / "index.html")
    assert "400-660-1315" in home and "12315" in home
    assert "近期活动" in home and "最新案例" in home and "消费者依法享有的权利" in home
    assert "公平交易权" in home
    assert squash(records("qinghe", "events")["2026-002"]["title"]) in home.split("近期活动")[1].split("最新案例")[0]
    assert squash(records("qinghe", "cases")["2026-002"]["title"]) in home.split("最新案例")[1]


# ---- events -------------------------------------------------------------------------------
def test_events_split_by_time_and_cancelled_marked(qb):
    upcoming, past = upcoming_and_past(qb.site)
    events = records("qinghe", "events")
    assert "2026年12月12日" in seen(upcoming)  # planned 2026-002
    assert squash(events["2026-002"]["title"]) in seen(upcoming)
    assert "已取消" in seen(past) and "已取消" not in seen(upcoming)
    assert squash(events["2026-001"]["title"]) in seen(past)  # the cancelled one
    held = events["2025-001"]
    assert squash(held["title"]) in seen(past) and squash(held["title"]) not in seen(upcoming)
    recap = page(qb.site, "events/2025-001")
    assert "活动回顾" in recap and f"{held['recap']['attendance']} 人" in recap


def test_past_event_never_upcoming(edited):
    site = edited.site
    upcoming, past = upcoming_and_past(site)
    assert squash(PAST_EVENT_TITLE) not in seen(upcoming)
    assert squash(PAST_EVENT_TITLE) in seen(past)
    assert squash(PAST_EVENT_TITLE) not in article_text(site / "index.html")
    assert "活动时间已过" in page(site, f"events/{PAST_EVENT}")


# ---- the case library, laws and handbook -------------------------------------------------
def test_case_library_browsable_without_js(fx):
    name, b = fx
    cases = records(name, "cases")
    cats = fixture_yaml(name, "data/categories.yml")
    for facet in ("nature", "sector", "year", "outcome"):
        links = re.findall(r'href="\.\./(2[^"]*)"', page(b.site, f"cases/by-{facet}"))
        assert sorted(links) == sorted(f"{c}/" for c in cases), facet  # every case, once
    by_nature = page(b.site, "cases/by-nature")
    slugs = {n["name"]: n["slug"] for n in cats["natures"]}
    for data in cases.values():
        assert f'id="{slugs[data["nature"]]}"' in by_nature, data["nature"]
    assert {"qinghe": 'id="stored-value"', "nanyu": 'id="prepay"'}[name] in by_nature  # 会员储值 / 预付消费


def test_laws_page_anchors(fx):
    name, b = fx
    html = page(b.site, "laws")
    laws = fixture_yaml(name, "data/laws.yml")["laws"]
    assert laws
    for law in laws:
        assert f'id="{law["id"]}"' in html, law["id"]


def test_handbook_chapters_show_review_date(qb):
    html = page(qb.site, "handbook/tousu-zhinan")
    assert "最近审核：2026年10月20日" in html
    assert "本章法律依据" in html


def test_nav_is_small(qb):
    """Case and event pages are not in the sidebar (each page would carry the whole nav)."""
    links = re.findall(r'href="\.\./(2[^"]*)"', page(qb.site, "cases/2026-001"))
    assert links == ["2025-001/"]  # only the related case
    assert re.findall(r'href="\.\./(2[^"]*)"', page(qb.site, "cases/2025-003")) == []


def test_pages_past_review_show_a_notice(edited):
    site = edited.site
    html = page(site, "handbook/mingma-biaojia")
    assert "本页内容正在复核" in html and "最后审核于 2025年3月10日" in html
    assert "本页内容正在复核" in page(site, "standards/std-01")
    assert "本页内容正在复核" not in page(site, "handbook/tousu-zhinan")
    assert "最近审核：2026年10月20日" in page(site, "handbook/tousu-zhinan")


def test_chapter_without_review_date_still_builds(qinghe):
    edit(qinghe / "content/handbook/mingma-biaojia.md", "reviewed: 2026-09-01\n", "")
    result = build(qinghe, qinghe / "site")
    assert result.returncode == 0, result.stderr
    assert "[stale.unknown]" in result.stderr  # not a git checkout: says so instead of guessing
    assert "最近审核：（日期不详）" in page(qinghe / "site", "handbook/mingma-biaojia")


# ---- nothing loaded from elsewhere --------------------------------------------------------
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


ALLOWED_LINKS = {
    # the public site links to no git host; an ICP number links to the MIIT record system, as the rules require
    "qinghe": {QINGHE_HOST, "www.12315.cn", "beian.miit.gov.cn"},
    "nanyu": {NANYU_HOST, "www.nanyu-park.example"},
}


def test_no_external_resources(fx):
    """Nothing a page loads comes from another host; links out go only to the fixture's known hosts."""
    name, b = fx
    allowed_links = ALLOWED_LINKS[name]
    seen_hosts = set()
    for html_path in b.site.rglob("*.html"):
        parser = _Refs()
        parser.feed(html_path.read_text(encoding="utf-8"))
        for tag, attr, value in parser.refs:
            url = urlparse(value)
            if url.scheme in ("", "tel", "mailto") or not url.netloc:
                continue
            assert tag == "a" and attr == "href", f"{html_path}: {tag} {attr}={value} loads from another host"
            assert url.netloc in allowed_links, f"{html_path}: link to unknown host {value}"
            seen_hosts.add(url.netloc)
    assert seen_hosts, "no link out at all: the check saw nothing"
    for css in b.site.rglob("*.css"):
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            assert not re.match(r"(https?:)?//", ref), f"{css}: {ref}"
    for js in b.site.rglob("*.js"):
        text = js.read_text(encoding="utf-8", errors="replace")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text


# ---- calendar, feed, structured data ------------------------------------------------------
CALENDAR = {
    "qinghe-edited": {f"event-2026-002@{QINGHE_HOST}"},  # the cancelled one is over, and so is the edited 2026-003
    "nanyu": {f"event-2026-002@{NANYU_HOST}", f"event-2027-001@{NANYU_HOST}"},
}


@pytest.mark.parametrize("which", sorted(CALENDAR))
def test_calendar_has_every_upcoming_event(request, built_fixture, which):
    from icalendar import Calendar

    b = request.getfixturevalue("edited") if which == "qinghe-edited" else built_fixture(which)
    assert b.code == 0, b.err
    host = urlparse(yaml.safe_load((b.root / "data/site.yml").read_text(encoding="utf-8"))["base_url"]).netloc
    cal = Calendar.from_ical((b.site / "events.ics").read_bytes())
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    expected = {}
    for path in (b.root / "data/events").glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["status"] != "held" and data["end"].date().isoformat() >= TODAY:
            expected[f"event-{path.stem}@{host}"] = data
    assert set(events) == set(expected) == CALENDAR[which]
    for uid, data in expected.items():
        ev = events[uid]
        assert str(ev["SUMMARY"]) == data["title"]
        assert ev["DTSTART"].dt.utcoffset().total_seconds() == 8 * 3600
        assert ev.decoded("dtstart").tzinfo is not None
        assert ev.decoded("dtstart") == data["start"] and ev.decoded("dtend") == data["end"]
        status = {"planned": "CONFIRMED", "postponed": "TENTATIVE", "cancelled": "CANCELLED"}[data["status"]]
        assert str(ev["STATUS"]) == status
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"


def test_per_event_ics_and_link(qb):
    from icalendar import Calendar

    cal = Calendar.from_ical((qb.site / "events/2026-002.ics").read_bytes())
    [ev] = cal.walk("VEVENT")
    assert str(ev["UID"]) == f"event-2026-002@{QINGHE_HOST}"
    html = page(qb.site, "events/2026-002")
    assert 'href="../2026-002.ics"' in html and "添加到日历" in html
    assert "添加到日历" not in page(qb.site, "events/2025-001")  # past events: no calendar button


def test_cancelled_event_in_calendar_is_cancelled(qinghe):
    import datetime as dt

    from icalendar import Calendar

    from rightsite.load import load_project
    from rightsite.site.feeds import event_ics

    project = load_project(qinghe)
    today = dt.date.fromisoformat(TODAY)
    # the fixture's own cancelled event
    [ev] = Calendar.from_ical(event_ics(project, project.events["2026-001"].record, today)).walk("VEVENT")
    assert str(ev["STATUS"]) == "CANCELLED"
    assert str(ev["UID"]) == f"event-2026-001@{QINGHE_HOST}"
    # and an upcoming one once cancelled
    event = project.events["2026-002"].record.model_copy(update={"status": "cancelled"})
    [ev] = Calendar.from_ical(event_ics(project, event, today)).walk("VEVENT")
    assert str(ev["STATUS"]) == "CANCELLED"
    assert str(ev["UID"]) == f"event-2026-002@{QINGHE_HOST}"


def test_atom_feed_parses(fx):
    import xml.etree.ElementTree as ET

    name, b = fx
    base = fixture_yaml(name, "data/site.yml")["base_url"]
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(b.site / "feed.xml").getroot()
    entries = feed.findall("a:entry", ns)
    links = [e.find("a:link", ns).get("href") for e in entries]
    expected = {f"{base}{kind}/{rid}/" for kind in ("cases", "events") for rid in records(name, kind)}
    assert len(entries) == len(expected) and set(links) == expected  # every case and event, once
    assert any("/cases/" in href for href in links) and any("/events/" in href for href in links)
    assert all(e.find("a:id", ns).text.startswith("tag:") for e in entries)
    assert len(set(links)) == len(links)


@pytest.mark.parametrize("name,event_id,status", [
    ("qinghe", "2026-002", "EventScheduled"),
    ("qinghe", "2026-001", "EventCancelled"),
    ("nanyu", "2026-002", "EventPostponed"),
])
def test_event_jsonld(built_fixture, name, event_id, status):
    b = built_fixture(name)
    assert b.code == 0, b.err
    record = records(name, "events")[event_id]
    html = page(b.site, f"events/{event_id}")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Event" and data["eventStatus"] == f"https://schema.org/{status}"
    assert data["startDate"].endswith("+08:00") and data["startDate"] == record["start"].isoformat()
    assert data["location"]["name"] == record["location"]
    assert data["organizer"]["name"] == fixture_yaml(name, "data/site.yml")["group"]["name"]


# ---- a broken project never reaches the site ----------------------------------------------
def test_broken_case_fails_and_leaves_site_untouched(qinghe, qb, tmp_path):
    site = qinghe / "site"
    shutil.copytree(qb.site, site)  # the site as the last good build left it
    before = snapshot(site)
    case = qinghe / "data/cases/2025-003.yml"
    edit(case, "closed: 2025-09-19", "closed: 2025-02-30")
    expected = f"data/cases/2025-003.yml:{line_of(case, 'closed:')}: 错误 error [schema.date] closed:"
    assert expected == "data/cases/2025-003.yml:5: 错误 error [schema.date] closed:"
    result = build(qinghe, site)
    assert result.returncode == 1
    assert expected in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(site) == before
    assert not list(qinghe.glob(".site.build-*"))
    # `mkdocs build` on its own refuses the same problem with the same message
    mk = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "-d", str(tmp_path / "mk")],
                        capture_output=True, text=True, cwd=qinghe)
    assert mk.returncode == 1
    assert expected in mk.stderr + mk.stdout


def test_personal_data_in_built_output_stops_the_build(qinghe):
    """Second line of defence: text that reaches the site from anywhere (here a template) is scanned."""
    edit(qinghe / "theme/pages/channels.md.j2", "## 处理流程", "值班经理手机 13912345678\n\n## 处理流程")
    result = build(qinghe, qinghe / "site")
    assert result.returncode == 1
    assert "site/channels/index.html" in result.stderr and "[pii.mobile]" in result.stderr
    assert "13912345678" not in result.stderr
    assert not (qinghe / "site").exists()


@pytest.mark.parametrize("target", ["content", ".", "README.md", "data/x"])
def test_build_refuses_to_replace_project_files(qinghe, target):
    root = qinghe
    (root / "README.md").write_text("keep me", encoding="utf-8")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    result = subprocess.run([sys.executable, "-m", "rightsite", "--root", str(root), "build", "--today", TODAY,
                             "--site-dir", str(root / target)], capture_output=True, text=True, cwd=root)
    assert result.returncode == 2 and "不能把网站生成到" in result.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


# ---- the annual report --------------------------------------------------------------------
def _figures(root: Path, year: int) -> dict:
    res = subprocess.run([sys.executable, "-m", "rightsite", "--root", str(root), "report", str(year), "--format", "json"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)["figures"]


def test_report_pages_show_computed_figures_and_charts(qb):
    f = _figures(qb.root, 2024)
    assert f["complaints.total"] == len(fixture_csv("qinghe", 2024)) == 178
    html = page(qb.site, "reports/2024")
    text = article_text(qb.site / "reports/2024/index.html")
    assert f"全年受理投诉{f['complaints.total']}件" in text  # placeholder filled from data
    assert "{complaints" not in text
    assert html.count('<svg role="img"') == 5 and html.count("数据表") == 5
    assert "<th>项目</th>" in html  # each chart's numbers as a table
    assert "数据说明" in text and "办结用时中位数" in text
    assert fixture_yaml("qinghe", "data/reports/2025.yml")["status"] == "draft"
    assert fixture_yaml("qinghe", "data/reports/2024.yml")["status"] == "published"
    assert "草稿" in page(qb.site, "reports/2025") and "草稿" not in text
    index = page(qb.site, "reports")
    assert 'href="2024/"' in index and 'href="2025/"' in index


def test_the_published_report_pages_have_their_charts_drawn(qb):
    """The pages `rightsite build` publishes have every chart drawn, in the CJK font (the pages
    `check` rendered for their links are reused by the build)."""
    for year in (2024, 2025):
        svgs = re.findall(r'<svg role="img".*?</svg>', page(qb.site, f"reports/{year}"), re.S)
        assert svgs and all("<path" in svg and "Noto Sans CJK SC" in svg for svg in svgs), year


def _pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"] + (["-f", str(first), "-l", str(last)] if first else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_report_pdf_fonts_toc_and_figures(qb):
    pdf = qb.site / "downloads" / "report-2024.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [ln.split() for ln in fonts.splitlines()[2:] if ln.strip()]
    assert rows and all(r[-5:-3] == ["yes", "yes"] for r in rows), fonts  # embedded, subset
    assert "Rightsite-Sans-SC" in fonts
    total = len(fixture_csv("qinghe", 2024))
    assert str(total) in _pdf_text(pdf) and _figures(qb.root, 2024)["complaints.total"] == total
    toc = _pdf_text(pdf, 2, 2)
    for heading in ("投诉性质与行业", "数据说明"):
        number = int(re.search(heading + r"\s*\.+\s*(\d+)", toc).group(1))
        assert heading in _pdf_text(pdf, number, number), heading


# ---- what every reader meets: Chinese, no internal names ----------------------------------
def _channels(name: str) -> list[dict]:
    return yaml.safe_load((FIXTURES / name / "data/site.yml").read_text(encoding="utf-8"))["channels"]


def test_404_in_chinese_with_search_home_and_hotline(fx):
    name, b = fx
    html = (b.site / "404.html").read_text(encoding="utf-8")
    text = seen(html)
    assert "Notfound" not in text and "没有找到这个页面" in text
    form = re.search(r'<form class="rs-404-search" action="/" method="get"[^>]*>(.*?)</form>', html, re.S)
    assert form and 'name="q"' in form.group(1) and ">搜索</button>" in form.group(1)
    assert re.search(r'<a class="md-button" href="/">返回首页</a>', html)
    hotlines = [c for c in _channels(name) if c["kind"] == "hotline"]
    assert hotlines
    for h in hotlines:
        digits = re.sub(r"\D", "", h["value"])
        assert f'<a class="rs-hotline-number" href="tel:{digits}">{h["value"]}</a>' in html


def test_theme_strings_are_chinese(fx):
    """Anchors, tooltips, aria labels and placeholders a reader (or a screen reader) meets."""
    name, b = fx
    english = {}
    for p in pages(b.site):
        html = p.read_text(encoding="utf-8")
        found = {v for v in re.findall(r'(?:title|aria-label|placeholder)="([^"]*)"', html) if re.search(r"[A-Za-z]{3,}", v)}
        if found:
            english[str(p.relative_to(b.site))] = sorted(found)
    assert english == {}
    chapter = page(b.site, "handbook/tousu-zhinan") if name == "qinghe" else page(b.site, "channels")
    assert 'class="headerlink"' in chapter and 'title="本节链接"' in chapter and "Permanent link" not in chapter


INTERNAL = re.compile(r"data/|\.csv\b|\.ya?ml\b|[a-z]+_[a-z_]+|\brecap\.|\bsatisfaction\b|\breceived\b|\bclosed\b")


def test_no_internal_names_on_public_pages(fx):
    """File paths, columns and field names stay with the editors: the report's 数据说明 says
    what a figure counts in words."""
    name, b = fx
    leaks = {}
    for p in pages(b.site):
        text = visible_text(p.read_text(encoding="utf-8"))
        found = sorted(set(INTERNAL.findall(text)))
        if found:
            leaks[str(p.relative_to(b.site))] = found
    assert leaks == {}
    reports = sorted((b.site / "reports").glob("2*/index.html"))
    assert reports
    for report in reports:
        text = article_text(report)
        assert "数据说明" in text and "挽回经济损失：各投诉为消费者挽回的金额之和。" in text


def test_home_rights_name_each_right_once(qb):
    """The laws' summaries open with the right's name (安全权：…): the home page says it once."""
    rights = yaml.safe_load((FIXTURES / "qinghe/data/site.yml").read_text(encoding="utf-8"))["home"]["rights"]
    items = re.findall(r"<li><a [^>]*><strong>(.*?)</strong></a>(.*?)</li>", page(qb.site, ""), re.S)
    assert [n for n, _ in items] == [r["name"] for r in rights["items"]]
    for right, rest in items:
        assert rest.startswith("：") and not seen(rest)[1:].startswith(right), (right, rest[:20])


# ---- footer and sharing -------------------------------------------------------------------
def _meta(html: str, attr: str, key: str) -> str | None:
    m = re.search(rf'<meta {attr}="{re.escape(key)}" content="([^"]*)">', html)
    return m.group(1) if m else None


def test_footer_names_the_publisher_and_how_to_reach_it(fx):
    name, b = fx
    site = fixture_yaml(name, "data/site.yml")
    hotline = next(c for c in site["channels"] if c["kind"] == "hotline")
    for path in ("", "cases/", "handbook/", "laws/"):
        html = page(b.site, path)
        footer = html.split('<footer class="md-footer">', 1)[1]
        text = seen(footer)
        assert squash(site["mall"]["address"]) in text and site["group"]["name"] in text, path
        assert f'<a href="tel:{re.sub(r"[^0-9]", "", hotline["value"])}">{hotline["value"]}</a>' in footer
        assert '<a href="tel:12315">12315</a>' in footer
        years = f"{site['since']}–2026" if site.get("since") else "2026"
        assert f"©{years}" in text, text
        if site.get("icp"):
            assert f'<a href="https://beian.miit.gov.cn/" rel="noopener">{site["icp"]}</a>' in footer
        else:
            assert "ICP" not in footer and "beian" not in footer
        assert "订阅活动日历" in text and "events.ics" in footer and "feed.xml" in footer


def test_each_page_describes_itself_for_sharing(fx):
    """<meta name=description> and Open Graph from the record: a case's summary, an event's
    date and place; no two pages share a description."""
    name, b = fx
    seen_desc: dict[str, str] = {}
    for p in pages(b.site):
        if p.name != "index.html":
            continue
        html = p.read_text(encoding="utf-8")
        rel = p.parent.relative_to(b.site).as_posix()
        desc = _meta(html, "name", "description")
        assert desc and _meta(html, "property", "og:description") == desc, rel
        assert _meta(html, "property", "og:title") and _meta(html, "property", "og:site_name"), rel
        assert _meta(html, "property", "og:url") == fixture_yaml(name, "data/site.yml")["base_url"] + (rel + "/" if rel != "." else "")
        assert desc not in seen_desc, (rel, seen_desc.get(desc))
        seen_desc[desc] = rel
    for cid, case in records(name, "cases").items():
        html = page(b.site, f"cases/{cid}")
        first = squash(case["summary"]).split("。")[0]
        assert squash(_meta(html, "name", "description")).startswith(first), cid
        assert _meta(html, "property", "og:title") == case["title"] and _meta(html, "property", "og:type") == "article"
    for eid, event in records(name, "events").items():
        desc = _meta(page(b.site, f"events/{eid}"), "name", "description")
        start = event["start"] if isinstance(event["start"], dt.datetime) else dt.datetime.fromisoformat(str(event["start"]))
        day = start.astimezone(dt.timezone(dt.timedelta(hours=8)))
        assert desc.startswith(f"{day.year}年{day.month}月{day.day}日 {day:%H:%M}，"), (eid, desc)
        assert html_escape(event["location"]) in desc, eid


# ---- where am I ---------------------------------------------------------------------------
def _active_tab(html: str) -> str:
    tabs = re.findall(r'<li class="md-tabs__item( md-tabs__item--active)?">\s*<a href="[^"]*" class="md-tabs__link">\s*(.*?)\s*</a>',
                      html, re.S)
    return "".join(seen(title) for active, title in tabs if active)


def test_detail_pages_have_breadcrumbs_and_the_active_tab(fx):
    name, b = fx
    sections = {"cases": "典型案例", "events": "宣传活动", "standards": "服务标准", "reports": "年度报告", "handbook": "维权手册"}
    checked = 0
    for folder, title in sections.items():
        for p in sorted((b.site / folder).glob("*/index.html")):
            html = p.read_text(encoding="utf-8")
            crumbs = re.search(r'<nav aria-label="当前位置" class="rs-crumbs">(.*?)</nav>', html, re.S)
            assert crumbs, p
            assert '<a href="../../">首页</a>' in crumbs.group(1) and f'<a href="../">{title}</a>' in crumbs.group(1), p
            assert 'aria-current="page"' in crumbs.group(1)
            assert _active_tab(html) == title, (p, _active_tab(html))
            checked += 1
    assert checked >= 10
    # a section's own page lights its tab, and only one tab is lit
    assert _active_tab(page(b.site, "laws")) == "法律依据" and _active_tab(page(b.site, "")) == "首页"


def test_share_picture_per_page_type(fx):
    """Each page type has its own picture for shared links, drawn at build time (PNG, 1200×630)."""
    name, b = fx
    base = fixture_yaml(name, "data/site.yml")["base_url"]
    expected = {"": "home", "cases/": "cases", "handbook/": "handbook", "laws/": "laws", "channels/": "channels"}
    expected.update({f"cases/{cid}/": "cases" for cid in records(name, "cases")})
    expected.update({f"events/{eid}/": "events" for eid in records(name, "events")})
    expected.update({f"standards/{sid}/": "standards" for sid in records(name, "standards")})
    pictures = set()
    for path, kind in expected.items():
        image = _meta(page(b.site, path.rstrip("/")), "property", "og:image")
        assert image == f"{base}assets/share/{kind}.png", path
        pictures.add(kind)
    for kind in pictures:
        data = (b.site / "assets/share" / f"{kind}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(data[16:20], "big") == 1200
    digests = {hashlib.sha256((b.site / "assets/share" / f"{k}.png").read_bytes()).hexdigest() for k in pictures}
    assert len(digests) == len(pictures)  # one picture per type, not the same one for all


def test_share_pictures_are_drawn_once_per_inputs(tmp_path, monkeypatch):
    """A rebuild copies the pictures drawn from the same site name, organiser and hotline out of
    .cache/share; a changed hotline draws them again (and the old ones are not kept)."""
    from rightsite.site import share

    cache = tmp_path / "cache"
    first = share.write_share_images(tmp_path / "a", "青禾里消费维权", "青禾里消费维权服务站", "400-660-1315", cache_dir=cache)
    assert first == list(share.TYPES)
    drawn = []
    monkeypatch.setattr(share, "_draw", lambda out, *args: drawn.append(args) or [])
    share.write_share_images(tmp_path / "b", "青禾里消费维权", "青禾里消费维权服务站", "400-660-1315", cache_dir=cache)
    assert drawn == []
    for kind in share.TYPES:
        assert (tmp_path / "b/assets/share" / f"{kind}.png").read_bytes() == \
            (tmp_path / "a/assets/share" / f"{kind}.png").read_bytes()
    monkeypatch.undo()
    share.write_share_images(tmp_path / "c", "青禾里消费维权", "青禾里消费维权服务站", "400-660-1316", cache_dir=cache)
    assert len(list(cache.iterdir())) == 1
    assert (tmp_path / "c/assets/share/home.png").read_bytes() != (tmp_path / "a/assets/share/home.png").read_bytes()


def test_events_page_offers_the_calendar_subscription(fx):
    name, b = fx
    html = page(b.site, "events")
    assert '<a class="md-button" href="../events.ics" type="text/calendar">订阅活动日历</a>' in html
    assert (b.site / "events.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_first_report_year_has_no_change_columns(qb):
    """qinghe's 2024 report is its first year: nothing to compare with, so its nature and sector
    tables show count and share only, a row per nature; the 2025 report compares with 2024."""
    def tables(year: int) -> dict[str, list[list[str]]]:
        html = page(qb.site, f"reports/{year}").split('id="natures"', 1)[1]
        found = {}
        for table in html.split("</table>")[:-1]:
            rows = [re.findall(r"<t[dh]>([^<]*)</t[dh]>", r) for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
            if rows and rows[0][0] in ("投诉性质", "行业"):
                found[rows[0][0]] = rows
        return found

    first, second = tables(2024), tables(2025)
    assert first["投诉性质"][0] == ["投诉性质", "件数", "占比"] and first["行业"][0] == ["行业", "件数", "占比"]
    assert first["投诉性质"][1] == ["商品质量", "40", "22.47%"]
    assert all(len(row) == 3 for t in first.values() for row in t)
    assert second["投诉性质"][0] == ["投诉性质", "件数", "占比", "同比变化", "比重变化（百分点）"]
    assert second["投诉性质"][1] == ["商品质量", "43", "18.22%", "7.5%", "-4.25"]
    assert second["行业"][0] == ["行业", "件数", "占比", "同比变化"]
    assert len(first["投诉性质"]) == len(second["投诉性质"]) > 5
