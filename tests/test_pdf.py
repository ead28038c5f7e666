"""The printable PDFs: handbook brochure and booklet, service standards, event flyers.

Unit tests of the pieces (fetch policy, QR, booklet order, text helpers) run fast. The tests
that only read PDFs use the shared builds of the fixture projects (tests/fixtures/, built once
per run by conftest's `built_fixture`); those that need build_pdfs' problems, stats and cache
share one module build of the nanyu fixture (two upcoming flyers, one of them postponed).
Expected values come from the fixtures' own files, read here with PyYAML, or are their literals.
"""
from __future__ import annotations

import datetime as dt
import re
import socket
import subprocess
from pathlib import Path

import pytest
import yaml
from PIL import Image
from pypdf import PdfReader

from conftest import FIXTURE_NAMES, FIXTURES, ROOT, TODAY, copy_with_cache, edit, fixture_project, line_of, link_fonts
from rightsite.clock import start_of_day
from rightsite.load import load_project
from rightsite.pdf import build_pdfs
from rightsite.pdf.booklet import booklet_order, padded_sequence
from rightsite.pdf.brochures import (Brochures, cn_number, event_when, flyer_title, html_paragraphs,
                                     printed_text, short_description)
from rightsite.pdf.fetcher import FetchRefused, ProjectFetcher, decode_data_url, scan_html
from rightsite.pdf.fonts import prepare_fonts
from rightsite.pdf.qr import qr_svg, short_url
from test_fixtures import fixture_yaml, fixture_yaml_front

TODAY_D = dt.date.fromisoformat(TODAY)
CLOSING = "，。、；：？！）」』》〉】”’"
A5 = (419.5, 595.3)
A4 = (595.3, 841.9)
BUILT = "nanyu"  # the fixture of the module build
FLYERS = {"qinghe": {"2026-002"}, "nanyu": {"2026-002", "2027-001"}}  # upcoming on TODAY, by the fixtures' files
LOGO = {"qinghe": "assets/logo.png", "nanyu": None}  # site.yml's logo: qinghe has one (a PNG), nanyu none


# ---- helpers ---------------------------------------------------------------------------------
def build(root: Path, out: Path, cache: Path):
    return build_pdfs(load_project(root), TODAY_D, out, cache)


def pages_text(pdf: Path, layout: bool = False) -> list[str]:
    """pdftotext of every page (form feeds separate pages)."""
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(pdf), "-"]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def crop_text(pdf: Path, page: int, x: float, w: float, h: float) -> str:
    args = ["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), "-x", str(int(x)), "-y", "0",
            "-W", str(int(w)), "-H", str(int(h)), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdffonts(pdf: Path) -> list[dict]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        rows.append({"name": parts[0], "type": " ".join(parts[1:-6]), "emb": parts[-5], "sub": parts[-4],
                     "uni": parts[-3]})
    return rows


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def in_order(text: str, needles: list[str]) -> list[str]:
    """The needles (whitespace ignored) that are missing from `text` or come before the one listed before them."""
    text, at, wrong = flat(text), 0, []
    for needle in needles:
        i = text.find(flat(needle), at)
        if i < 0:
            wrong.append(needle)
        else:
            at = i + len(flat(needle))
    return wrong


def raster_images(pdf: Path, page: int = 0) -> list:
    """The raster images drawn on a page (the QR codes are vector drawings, not images)."""
    return list(PdfReader(pdf).pages[page].images)


def size_of(page) -> tuple[float, float]:
    return float(page.mediabox.width), float(page.mediabox.height)


def events_data(name: str) -> dict[str, dict]:
    out = {}
    for path in sorted((FIXTURES / name / "data/events").glob("*.yml")):
        out[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return out


def expected_flyers(name: str) -> set[str]:
    now = start_of_day(TODAY_D)
    ids = set()
    for eid, data in events_data(name).items():
        end = data["end"] if isinstance(data["end"], dt.datetime) else dt.datetime.fromisoformat(str(data["end"]))
        if data["status"] in ("planned", "postponed") and end > now:
            ids.add(eid)
    return ids


def standard_ids(name: str) -> list[str]:
    return sorted(p.stem for p in (FIXTURES / name / "data/standards").glob("*.yml"))


def chapter_fronts(name: str) -> list[dict]:
    """The front matter of the fixture's handbook chapters, in their `order`."""
    paths = [p for p in (FIXTURES / name / "content/handbook").glob("*.md") if p.name != "index.md"]
    return sorted((fixture_yaml_front(name, p) for p in paths), key=lambda f: f["order"])


def copy_cache(src: Path, dest: Path) -> Path:
    return copy_with_cache(src, dest, cache="")


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


# ---- unit tests (fast) -------------------------------------------------------------------
def test_booklet_order_reads_after_folding():
    assert booklet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    # every page appears exactly once
    assert sorted(p for side in booklet_order(40) for p in side) == list(range(1, 41))
    with pytest.raises(ValueError):
        booklet_order(6)


def test_booklet_blanks_go_before_the_back_cover():
    assert padded_sequence(6) == [0, 1, 2, 3, 4, None, None, 5]
    assert padded_sequence(8) == list(range(8))
    assert padded_sequence(5, keep_last=False) == [0, 1, 2, 3, 4, None, None, None]


def test_fetcher_serves_project_files_only(tmp_path):
    root = fixture_project("qinghe", tmp_path / "proj")
    fetcher = ProjectFetcher(root)
    chapter = root / "content/handbook/quanli.md"
    body, mime, _ = fetcher.fetch(chapter.as_uri())
    assert body == chapter.read_bytes()
    for url in ("file:///etc/passwd", "http://example.com/a.png", "https://example.com/",
                (root / "mkdocs.yml").as_uri(), (root / "content/../../etc/passwd").as_uri(),
                "file://otherhost/etc/passwd", "ftp://example.com/x"):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    # a symlink inside content/ pointing outside is refused too
    (root / "content/handbook/leak.txt").symlink_to("/etc/passwd")
    with pytest.raises(FetchRefused):
        fetcher.fetch((root / "content/handbook/leak.txt").as_uri())
    assert len(fetcher.refused) == 8
    assert decode_data_url("data:text/plain;base64,5L2g5aW9") == ("你好".encode(), "text/plain")


def test_scan_html_finds_every_outside_reference(tmp_path):
    root = fixture_project("qinghe", tmp_path / "proj")
    base = (root / "content/handbook").as_uri() + "/"
    html = ('<p><img src="http://example.com/a.png"><img src="images/missing.png">'
            '<a href="https://www.12315.cn/">ok</a><a href="file:///etc/passwd">x</a>'
            '<a rel="attachment" href="quanli.md">att</a>'
            '<span style="background: url(https://evil.example/x.png)">s</span>'
            '<style>@import "https://evil.example/a.css";</style>'
            '<img src="data:image/png;base64,iVBORw0KGgo="></p>')
    urls = sorted(r.url for r in scan_html(html, base, ProjectFetcher(root)))
    assert urls == sorted(["http://example.com/a.png", "images/missing.png", "file:///etc/passwd",
                           "quanli.md", "https://evil.example/x.png", "https://evil.example/a.css"])


def test_text_helpers():
    assert [cn_number(n) for n in (1, 9, 10, 12, 20, 31)] == ["一", "九", "十", "十二", "二十", "三十一"]
    start = dt.datetime.fromisoformat("2026-12-10T09:30:00+08:00")
    assert event_when(start, start + dt.timedelta(hours=2)) == ("2026年12月10日（星期四）", "09:30–11:30")
    assert short_url("https://www.12315.cn/") == "www.12315.cn"
    assert short_url("https://weiquan.qinghe-plaza.example/events/2026-002/") == \
        "weiquan.qinghe-plaza.example/events/2026-002/"
    assert short_url("https://www.nanyu-park.example/service/feedback") == "www.nanyu-park.example/service/feedback"
    assert short_description("一句。二句。" * 100, 20).endswith("。")
    assert len(short_description("很长" * 200, 50)) <= 50
    assert str(html_paragraphs("<script>x</script> & 换行前。\n续行\n\n第二段")) == \
        "<p>&lt;script&gt;x&lt;/script&gt; &amp; 换行前。续行</p>\n<p>第二段</p>"
    # list items keep their whole text (the web's escaping, rendered as HTML)
    assert str(html_paragraphs("说明：\n- 第一项\n- 第二项")) == "<p>说明：</p>\n<ul>\n<li>第一项</li>\n<li>第二项</li>\n</ul>"


def test_qr_is_a_scalable_square():
    svg = qr_svg("https://weiquan.qinghe-plaza.example/")
    m = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    assert m and m.group(1) == m.group(2)
    assert svg == qr_svg("https://weiquan.qinghe-plaza.example/")  # same input, same bytes
    assert svg != qr_svg("https://care.nanyu-park.example/")


def test_record_text_is_escaped_in_the_html(tmp_path):
    root = fixture_project("qinghe", tmp_path / "proj")
    edit(root / "data/events/2026-002.yml", "title: 年终", "title: <b>x</b> & 年终")
    project = load_project(root)
    fonts = prepare_fonts(ROOT / ".cache")
    docs = Brochures(project, TODAY_D, fonts, ProjectFetcher(root)).flyers()
    html = next(d.html for d in docs if d.output.endswith("2026-002.pdf"))
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt; &amp; 年终" in html


def test_print_css_uses_only_our_fonts_and_no_fills():
    css = (ROOT / "theme/pdf/print.css").read_text(encoding="utf-8")
    families = set(re.findall(r'font-family:\s*"([^"]+)"', css))
    assert families == {"Rightsite Serif SC", "Rightsite Sans SC"}
    assert "background" not in re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def test_printed_text_skips_markup():
    assert printed_text('<html><head><title>T</title><style>a{}</style></head>'
                        '<body><p>你好<a data-short="x.cn">链接</a></p></body></html>') == "你好x.cn链接"


# ---- the fixtures' shared builds: tests that only read the PDFs (slow) --------------------
@pytest.fixture(params=FIXTURE_NAMES)
def made(request, built_fixture):
    """(fixture name, root of its built copy, its site/downloads), from `rightsite build --strict` once per run."""
    b = built_fixture(request.param)
    assert b.code == 0, b.err
    return request.param, b.root, b.site / "downloads"


@pytest.mark.slow
def test_cjk_fonts_are_embedded_subsets_of_our_faces(made):
    name, _, dl = made
    pdfs = [dl / "handbook.pdf", dl / "standards.pdf", *sorted(dl.glob("standards/*.pdf")),
            *sorted(dl.glob("flyers/*.pdf"))]
    assert len(pdfs) == 2 + len(standard_ids(name)) + len(FLYERS[name])
    for pdf in pdfs:
        fonts = pdffonts(pdf)
        assert fonts, pdf
        for font in fonts:
            assert (font["emb"], font["sub"], font["uni"]) == ("yes", "yes", "yes"), (pdf, font)
            assert re.fullmatch(r"[A-Z]{6}\+Rightsite-(Serif|Sans)-SC(-Bold)?", font["name"]), (pdf, font)
            assert "Type 3" not in font["type"]
    names = {f["name"].split("+")[1] for f in pdffonts(dl / "handbook.pdf")}
    assert {"Rightsite-Serif-SC", "Rightsite-Sans-SC-Bold"} <= names  # real bold face, not emboldened


@pytest.mark.slow
def test_handbook_toc_matches_the_pages_where_chapters_start(made):
    name, _, dl = made
    chapters = chapter_fronts(name)
    pdf = dl / "handbook.pdf"
    reader = PdfReader(pdf)
    assert all(size_of(p) == pytest.approx(A5, abs=1) for p in reader.pages)
    texts = pages_text(pdf, layout=True)
    toc_index = next(i for i, t in enumerate(texts) if "目录" in t)
    entries = [(int(m.group(1)), m.group(2).strip(), int(m.group(3))) for m in
               re.finditer(r"^\s*(\d+)\s+(\S.*?)\s*\.{3,}\s*(\d+)\s*$", texts[toc_index], re.M)]
    assert [(n, title) for n, title, _ in entries] == [(n, ch["title"]) for n, ch in enumerate(chapters, 1)]
    toc = {title: page for _, title, page in entries}
    outline = {o.title: reader.get_destination_page_number(o) + 1 for o in reader.outline if not isinstance(o, list)}
    headers = 0
    for n, ch in enumerate(chapters, 1):
        title = ch["title"]
        assert title in toc, (title, toc)
        page = toc[title]
        assert page % 2 == 1, f"{title} starts on page {page}, a left-hand page"
        assert outline[title] == page
        opening = texts[page - 1]
        assert f"第{cn_number(n)}章" in opening.replace(" ", "") and title in opening
        # running header on the following page of the chapter, page number in the footer
        follow = texts[page].strip().splitlines()
        if follow and f"第{cn_number(n + 1)}章" not in texts[page].replace(" ", ""):
            assert follow[0].strip() == title
            assert follow[-1].strip() == str(page + 1)
            headers += 1
    assert headers >= 1, "no chapter ran onto a second page: the running header was never checked"


@pytest.mark.slow
def test_handbook_cover_metadata_and_typography(made):
    name, _, dl = made
    site = fixture_yaml(name, "data/site.yml")
    reader = PdfReader(dl / "handbook.pdf")
    meta = reader.metadata
    assert meta["/Author"] == site["group"]["name"] and site["mall"]["name"] in meta["/Title"]
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    reviewed = max(f["reviewed"] for f in chapter_fronts(name))
    assert reviewed == dt.date(2026, 10, 20)  # both fixtures' newest chapter: the cover's edition
    # the file's date is its newest source: the chapters and the channels on the back cover
    made_on = max([reviewed] + [c["verified"] for c in site["channels"]])
    assert made_on == {"qinghe": dt.date(2026, 11, 3), "nanyu": dt.date(2026, 11, 2)}[name]
    assert meta["/CreationDate"].startswith(f"D:{made_on:%Y%m%d}000000")
    texts = pages_text(dl / "handbook.pdf")
    cover = texts[0].replace(" ", "")
    assert site["mall"]["name"] in cover and site["group"]["name"] in cover
    assert f"{reviewed.year}年{reviewed.month}月版" in cover and short_url(site["base_url"]) in cover
    for i, text in enumerate(texts, 1):
        for line in filter(None, (ln.strip() for ln in text.splitlines())):
            assert line[0] not in CLOSING, f"page {i}: a line starts with closing punctuation: {line!r}"


@pytest.mark.slow
def test_back_cover_lists_every_channel_and_12315(made):
    name, _, dl = made
    site = fixture_yaml(name, "data/site.yml")
    texts = pages_text(dl / "handbook.pdf")
    back = texts[-1]
    assert len(texts) % 2 == 0, "the back cover is a left-hand page"
    for channel in site["channels"]:
        value = str(channel["value"])
        shown = short_url(value) if value.startswith("http") else value
        assert channel["name"] in back and shown in back, channel
    assert "12315" in back
    if not any(c["kind"] == "12315" for c in site["channels"]):  # nanyu declares none: the national one is added
        assert "全国12315平台" in back and "www.12315.cn" in back


@pytest.mark.slow
def test_booklet_is_imposed_for_saddle_stitch(made):
    _, _, dl = made
    n = len(PdfReader(dl / "handbook.pdf").pages)
    booklet = PdfReader(dl / "handbook-booklet.pdf")
    padded = n + (-n) % 4
    assert len(booklet.pages) == padded // 2 and (len(booklet.pages) * 2) % 4 == 0
    for page in booklet.pages:
        assert size_of(page) == pytest.approx((A4[1], A4[0]), abs=1)
    src = pages_text(dl / "handbook.pdf")
    w, h = size_of(booklet.pages[0])
    left = crop_text(dl / "handbook-booklet.pdf", 1, 0, w / 2, h)
    right = crop_text(dl / "handbook-booklet.pdf", 1, w / 2, w / 2, h)
    assert src[-1].split("\n")[0] in left  # the back cover (last page) on the left of sheet 1
    assert "维权手册" in right.replace(" ", "").replace("\n", "")  # the cover (page 1) on the right
    back_left = crop_text(dl / "handbook-booklet.pdf", 2, 0, w / 2, h)
    assert "关于本手册" in back_left  # page 2 behind page 1


@pytest.mark.slow
def test_standards_pdfs_carry_versions_levels_and_legal_basis(made):
    name, _, dl = made
    whole = "".join(pages_text(dl / "standards.pdf")).replace(" ", "")
    paths = sorted((FIXTURES / name / "data/standards").glob("*.yml"))
    assert paths
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        single = "".join(pages_text(dl / "standards" / f"{path.stem}.pdf")).replace(" ", "")
        for text in (whole, single):
            assert data["title"] in text.replace("\n", "") and f"第{data['version']}版" in text
            assert f"{data['effective'].year}年{data['effective'].month}月{data['effective'].day}日" in text
            for clause in data["clauses"]:
                assert re.search(rf"^{re.escape(clause['number'])}$", text, re.M), clause["number"]
        assert all(c["level"] in single for c in data["clauses"])
    assert all(lvl in whole for lvl in ("必须", "应当", "建议"))
    assert "《消法》第二十条" in whole  # both fixtures cite cpl-20 (short name 消法)
    assert all(size_of(p) == pytest.approx(A4, abs=1) for p in PdfReader(dl / "standards.pdf").pages)


@pytest.mark.slow
def test_flyers_only_for_upcoming_events(made):
    name, _, dl = made
    made_ids = {p.stem for p in (dl / "flyers").glob("*.pdf")}
    assert made_ids == expected_flyers(name) == FLYERS[name]
    events = events_data(name)
    assert not any(events[e]["status"] in ("held", "cancelled") for e in made_ids)
    assert set(events) - made_ids  # each fixture has past or cancelled events that get no flyer
    site = fixture_yaml(name, "data/site.yml")
    for eid in made_ids:
        reader = PdfReader(dl / "flyers" / f"{eid}.pdf")
        assert len(reader.pages) == 1 and size_of(reader.pages[0]) == pytest.approx(A4, abs=1)
        text = pages_text(dl / "flyers" / f"{eid}.pdf")[0].replace("\n", "").replace(" ", "")
        data = events[eid]
        assert data["title"].replace(" ", "") in text and data["location"] in text
        assert short_url(f"{site['base_url']}events/{eid}/") in text
        assert reader.metadata["/Title"] == data["title"]


@pytest.mark.slow
def test_flyer_reads_as_a_poster_top_to_bottom(made):
    """Who invites, what, when and where, what happens, then the QR code, hotline and organiser."""
    name, _, dl = made
    site = fixture_yaml(name, "data/site.yml")
    hotline = next(c for c in site["channels"] if c["kind"] == "hotline")
    for eid, data in events_data(name).items():
        if eid not in FLYERS[name]:
            continue
        pdf = dl / "flyers" / f"{eid}.pdf"
        text = pages_text(pdf)[0]
        day, hours = event_when(data["start"], data["end"])
        main = [site["mall"]["name"], site["group"]["name"], data["kind"], data["title"], day, hours,
                "地点", data["location"], data["description"].strip()[:20], "报名", data["registration"][:10]]
        if data["status"] == "postponed":
            main.insert(3, "本活动已延期")
        assert in_order(text, main) == [], (eid, text)
        # the footer below all of that (its two columns may come out in either order)
        footer = ["扫码查看活动详情", short_url(f"{site['base_url']}events/{eid}/"), hotline["value"],
                  f"主办：{site['group']['name']}"]
        for item in footer:
            assert in_order(text, [data["registration"][:10], item]) == [], (eid, item)


@pytest.mark.slow
def test_flyer_fills_the_sheet(made):
    """The footer (QR code, hotline) sits at the foot of the A4 sheet, the title is set large:
    no empty third in the middle."""
    name, _, dl = made
    for eid in FLYERS[name]:
        pdf = dl / "flyers" / f"{eid}.pdf"
        bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        words = [(float(m.group(2)), float(m.group(4)), m.group(5)) for m in
                 re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', bbox)]
        lowest = max(y1 for _, y1, _ in words)
        assert lowest > A4[1] - 70, f"{eid}: the text ends {A4[1] - lowest:.0f} pt above the bottom edge"
        ys = sorted({round(y0) for y0, _, _ in words})
        gaps = [b - a for a, b in zip(ys, ys[1:])]
        assert max(gaps) < A4[1] / 6, f"{eid}: a gap of {max(gaps):.0f} pt between two lines"
        title = events_data(name)[eid]["title"]
        heights = [y1 - y0 for y0, y1, w in words if len(w) >= 4 and w in title]  # not the kind (讲座)
        # a word's box is about 1.45 times the type size: 55 pt is a title of 38 pt or more
        assert heights and min(heights) >= 55, f"{eid}: the title's words are {min(heights, default=0):.0f} pt high"


@pytest.mark.slow
def test_logo_from_site_yml_on_flyers_covers_and_poster(made):
    """qinghe's site.yml names a PNG logo: it is drawn on every flyer, the two covers and the
    channels poster; nanyu names none, and those pages carry no image at all."""
    name, root, dl = made
    pdfs = [*sorted(dl.glob("flyers/*.pdf")), dl / "handbook.pdf", dl / "standards.pdf", dl / "channels-poster.pdf"]
    assert len(pdfs) == len(FLYERS[name]) + 3
    for pdf in pdfs:
        images = raster_images(pdf)
        if LOGO[name]:
            assert len(images) == 1, (pdf, images)
            assert images[0].image.size == Image.open(root / "content" / LOGO[name]).size, pdf
        else:
            assert images == [], pdf
    assert all(raster_images(p) == [] for p in dl.glob("checklists/*.pdf"))  # forms to fill in: no logo


def test_logo_file_must_exist(capsys, tmp_path):
    from conftest import check_json

    root = fixture_project("qinghe", tmp_path / "proj")
    (root / "content/assets/logo.png").unlink()
    code, report = check_json(capsys, root)
    found = [(p["rule"], p["file"], p["line"], p["field"], p["message"]) for p in report["problems"]]
    assert code == 1 and found == [("ref.file", "data/site.yml", line_of(root / "data/site.yml", "logo: assets/logo.png"),
                                    "logo", "标志图片 content/assets/logo.png 不存在。请把图片放到 content/ 下这个位置，"
                                    "或改正 logo 的路径；不印标志就删去 logo 这一行。 The logo file does not exist under content/.")]
    docs = Brochures(load_project(root), TODAY_D, prepare_fonts(ROOT / ".cache"), ProjectFetcher(root)).documents()
    assert all('class="fl-logo"' not in d.html for d in docs if d.kind == "flyer")  # no broken image either


def test_logo_must_be_a_project_image(capsys, tmp_path):
    from conftest import check_json

    root = fixture_project("qinghe", tmp_path / "proj")
    edit(root / "data/site.yml", "logo: assets/logo.png", "logo: https://cdn.example/logo.png")
    code, report = check_json(capsys, root)
    found = [p for p in report["problems"] if "logo" in p["message"]]
    assert code == 1 and len(found) == 1, report
    assert found[0]["file"] == "data/site.yml" and found[0]["level"] == "error"
    assert found[0]["message"].startswith("logo：“https://cdn.example/logo.png”应为 content/ 下的图片路径")


def test_flyer_title_is_set_large_and_broken_at_a_pause():
    assert flyer_title("年终购物季消费维权讲座") == (["年终购物季消费维权讲座"], "font-size: 44.7pt")
    assert flyer_title("消费维权进社区：南屿街道专场") == (["消费维权进社区：", "南屿街道专场"], "font-size: 46.0pt")
    # no pause: even lines (a box 15 characters wide), never one character left on the last line
    lines, style = flyer_title("三一五国际消费者权益日现场咨询暨商户诚信经营承诺签名活动")
    assert lines == ["三一五国际消费者权益日现场咨询暨商户诚信经营承诺签名活动"]
    size, width = map(float, re.fullmatch(r"font-size: ([\d.]+)pt; max-width: ([\d.]+)mm", style).groups())
    per_line = width / (size * 25.4 / 72)
    assert 32 <= size <= 46 and 14 <= per_line < 15  # 28 characters: two lines of 14


@pytest.mark.slow
def test_a_crowded_flyer_is_set_tighter_not_split(built, tmp_path):
    """A postponed event with a long title, note and description still fits on one sheet."""
    _, _, cache, _, _ = built
    proj = fixture_project(BUILT, tmp_path / "proj")
    event = proj / "data/events/2026-002.yml"
    data = events_data(BUILT)["2026-002"]
    edit(event, f"title: {data['title']}", "title: 预付卡消费风险讲座：司法解释施行后办卡注意什么")
    edit(event, f"note: {data['note']}", "note: " + "原定2026年10月举行，因台风预警，经与街道商定延期。已报名的居民无需重新报名，"
         "如不能参加可到游客中心取消，最终时间以活动页面为准。" * 2)
    edit(event, data["description"].strip(), data["description"].strip() * 2)
    problems, stats = build(proj, tmp_path / "site", copy_cache(cache, tmp_path / "cache"))
    assert problems.items == [], problems.to_text()
    pdf = tmp_path / "site/downloads/flyers/2026-002.pdf"
    assert len(PdfReader(pdf).pages) == 1
    assert "扫码查看活动详情" in flat(pages_text(pdf)[0])


@pytest.mark.slow
def test_running_header_once_on_a_standards_first_page(made):
    """Each standard's first page opens with its number and title; the running header (the same
    words) is printed only on its following pages."""
    name, _, dl = made
    site = fixture_yaml(name, "data/site.yml")
    whole = pages_text(dl / "standards.pdf")
    for sid in standard_ids(name):
        data = yaml.safe_load((FIXTURES / name / f"data/standards/{sid}.yml").read_text(encoding="utf-8"))
        header = f"{site['mall']['name']}商户服务标准{sid}"
        single = pages_text(dl / "standards" / f"{sid}.pdf")
        first = next(t for t in whole if flat(t).startswith(header))
        for page in (first, single[0]):
            assert flat(page).count(header) == 1, page
            assert flat(page).count(data["title"]) == 1, page
        assert flat(single[-1]).startswith("附：法律依据")


@pytest.mark.slow
def test_running_header_on_a_long_standards_following_pages(tmp_path):
    """A standard of two pages: the header once on page 1 (the heading), on page 2 at the top."""
    from rightsite.pdf.render import Renderer

    root = fixture_project("qinghe", tmp_path / "proj")
    path = root / "data/standards/std-01.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = data["clauses"][1]
    data["clauses"] += [dict(first, number=str(n), laws=list(first["laws"])) for n in range(len(data["clauses"]) + 1, 25)]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    fonts = prepare_fonts(ROOT / ".cache")
    project = load_project(root)
    assert list(project.standards) == ["std-01"], project.problems.to_text()
    b = Brochures(project, TODAY_D, fonts, ProjectFetcher(root))
    doc = next(d for d in b.standards() if d.kind == "standard")
    out = tmp_path / "std-01.pdf"
    Renderer(root, ROOT / ".cache", fonts).render(doc.html, out, title=doc.title, base_dir=doc.base_dir,
                                                  stylesheets=[(b.css, root / "theme/pdf")])
    pages = pages_text(out, layout=True)
    header = "青禾里生活广场商户服务标准std-01"
    assert len(pages) >= 3 and flat(pages[0]).count(header) == 1
    top = pages[1].strip().splitlines()[0]
    assert flat(top) == header + data["title"], top  # number on the left, title on the right


@pytest.mark.slow
def test_checklist_header_once_on_the_first_page(made):
    name, _, dl = made
    site = fixture_yaml(name, "data/site.yml")
    following = 0
    for sid in standard_ids(name):
        for suffix, kind in (("", "检查表"), ("-self", "自查表")):
            pages = pages_text(dl / "checklists" / f"{sid}{suffix}.pdf", layout=True)
            label = f"{site['mall']['name']}·商户服务{kind}"
            assert flat(pages[0]).count(label) == 1, (sid, suffix)
            # a following page: the standard and version on the left, the kind of sheet on the right
            for page in pages[1:]:
                top = flat(page.strip().splitlines()[0])
                assert top.startswith(sid) and top.endswith(label), (sid, suffix, top)
                following += 1
    assert following, "no sheet ran onto a second page: the running header was never checked"


@pytest.mark.slow
def test_combined_checklists_are_their_sheets_in_order(made):
    """all.pdf and all-self.pdf are made from the sheets' own layouts: the same pages, text and page
    numbers (each sheet counts its own pages), in the standards' order, with a title and a bookmark
    per sheet of their own, and the fonts embedded once as subsets."""
    name, _, dl = made
    site = fixture_yaml(name, "data/site.yml")
    ids = standard_ids(name)
    assert ids
    for suffix, kind in (("", "检查表"), ("-self", "自查表")):
        combined = dl / "checklists" / f"all{suffix}.pdf"
        whole = pages_text(combined)
        sheets = [pages_text(dl / "checklists" / f"{sid}{suffix}.pdf") for sid in ids]
        assert whole == [page for sheet in sheets for page in sheet]
        reader = PdfReader(combined)
        assert reader.metadata.title == f"{site['mall']['name']}商户服务标准{kind}（全部标准）"
        titles = [yaml.safe_load((FIXTURES / name / f"data/standards/{sid}.yml").read_text(encoding="utf-8"))["title"]
                  for sid in ids]
        assert [item.title for item in reader.outline] == titles
        for sheet in sheets:
            for n, page in enumerate(sheet, 1):
                assert f"第{n}页，共{len(sheet)}页" in flat(page), (suffix, n)
        fonts = pdffonts(combined)
        assert fonts and len({f["name"] for f in fonts}) == len(fonts)
        assert all((f["emb"], f["sub"]) == ("yes", "yes") for f in fonts)
    data = yaml.safe_load((FIXTURES / name / f"data/standards/{ids[0]}.yml").read_text(encoding="utf-8"))
    for suffix, kind in (("", "检查表"), ("-self", "自查表")):
        single = PdfReader(dl / "checklists" / f"{ids[0]}{suffix}.pdf")
        assert single.metadata.title == f"{data['title']}{kind}（{ids[0]}，第 {data['version']} 版）"


def _worker_state(key):
    import gc

    from rightsite import pdf

    renderer = pdf._RENDERERS.get(key)
    return (renderer is not None and bool(renderer._css_cache), gc.get_freeze_count() > 0)


@pytest.mark.slow
def test_pool_workers_start_warm(tmp_path):
    """A worker has parsed the stylesheets and loaded the fonts before its first document, and
    leaves the objects it inherited from the build out of its garbage collections."""
    from rightsite.pdf import worker_pool

    root = fixture_project("qinghe", tmp_path / "proj")
    cache = (ROOT / ".cache").resolve()
    css = (root / "theme/pdf/print.css").read_text(encoding="utf-8")
    with worker_pool(1, (root, cache, "", css, root / "theme/pdf")) as pool:
        assert pool.submit(_worker_state, (root, cache)).result(timeout=120) == (True, True)
    with worker_pool(1) as pool:  # no warm-up asked for: nothing prepared
        assert pool.submit(_worker_state, (root, cache)).result(timeout=120)[0] is False


@pytest.mark.slow
def test_font_subsetting_uses_harfbuzz():
    """Without libharfbuzz-subset WeasyPrint subsets fonts with fontTools, ~30x slower.
    Speed itself is measured by `make bench`; here we only check the set-up installed it."""
    import ctypes.util

    assert ctypes.util.find_library("harfbuzz-subset"), "apt-get install libharfbuzz-subset0 (make site does)"


# ---- one fixture built by build_pdfs, for its problems, stats and cache (slow) -----------
@pytest.fixture(scope="module")
def built(tmp_path_factory, built_fixture):
    base = tmp_path_factory.mktemp("pdfs")
    root = fixture_project(BUILT, base / "proj")
    out, cache = base / "site", base / "cache"
    link_fonts(built_fixture(BUILT).root / ".cache", cache)  # extracted once per run; every PDF is rendered here
    problems, stats = build(root, out, cache)
    return root, out / "downloads", cache, problems, stats


@pytest.mark.slow
def test_build_writes_every_pdf_without_problems(built):
    _, dl, _, problems, stats = built
    assert problems.items == [], problems.to_text()
    standards = standard_ids(BUILT)
    assert (dl / "handbook.pdf").exists() and (dl / "handbook-booklet.pdf").exists()
    assert (dl / "standards.pdf").exists() and (dl / "channels-poster.pdf").exists()
    assert sorted(p.stem for p in (dl / "standards").glob("*.pdf")) == standards == ["std-10", "std-11"]
    assert {p.stem for p in (dl / "flyers").glob("*.pdf")} == expected_flyers(BUILT) == FLYERS[BUILT]
    assert sorted(p.name for p in (dl / "checklists").glob("*.pdf")) == [
        "all-self.pdf", "all.pdf", "std-10-self.pdf", "std-10.pdf", "std-11-self.pdf", "std-11.pdf"]
    # handbook and booklet, standards, each standard, its checklist and self-check sheet and the two
    # combined ones, each flyer, the channels poster
    checklists = 2 * len(standards) + 2
    assert stats["rendered"] == 2 + 1 + len(standards) + checklists + len(expected_flyers(BUILT)) + 1 == 14
    assert stats["reused"] == 0


@pytest.mark.slow
def test_second_build_reuses_every_pdf_and_is_identical(built, tmp_path):
    root, dl, cache, _, first = built
    cache2 = copy_cache(cache, tmp_path / "cache")
    problems, stats = build(root, tmp_path / "site", cache2)
    assert problems.items == []
    assert stats["rendered"] == 0 and stats["reused"] == first["rendered"]
    pdfs = sorted(dl.rglob("*.pdf"))
    assert len(pdfs) == first["rendered"]
    for pdf in pdfs:
        assert (tmp_path / "site/downloads" / pdf.relative_to(dl)).read_bytes() == pdf.read_bytes(), pdf


@pytest.mark.slow
def test_a_changed_event_renders_only_its_flyer(built, tmp_path):
    _, _, cache, _, first = built
    proj = fixture_project(BUILT, tmp_path / "proj")
    edit(proj / "data/events/2027-001.yml", "location: ", "location: 南区")
    problems, stats = build(proj, tmp_path / "site", copy_cache(cache, tmp_path / "cache"))
    assert problems.items == []
    rendered = [k for k, v in stats["documents"].items() if v["status"] == "rendered"]
    assert rendered == ["downloads/flyers/2027-001.pdf"]
    assert stats["reused"] == first["rendered"] - 1  # the other flyer (2026-002) among them


@pytest.mark.slow
def test_two_renders_are_byte_identical(built, tmp_path):
    root, dl, _, _, _ = built
    problems, stats = build(root, tmp_path / "site", tmp_path / "fresh-cache")  # nothing reused
    assert problems.items == [] and stats["reused"] == 0
    for pdf in dl.rglob("*.pdf"):
        assert (tmp_path / "site/downloads" / pdf.relative_to(dl)).read_bytes() == pdf.read_bytes(), pdf


@pytest.mark.slow
@pytest.mark.parametrize("reference", ["![x](http://example.com/a.png)", "![x](file:///etc/passwd)",
                                       '<img src="file:///etc/passwd">',
                                       "[附件](../../../../etc/passwd){: rel=attachment }"])
def test_outside_reference_in_a_chapter_fails_without_network(built, tmp_path, no_network, reference):
    _, _, cache, _, _ = built
    proj = fixture_project(BUILT, tmp_path / "proj")
    chapter = proj / "content/handbook/return-goods.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n\n{reference}\n", encoding="utf-8")
    problems, stats = build(proj, tmp_path / "site", copy_cache(cache, tmp_path / "cache"))
    found = [p for p in problems.items if p.rule == "pdf.fetch"]
    assert len(found) == 1, problems.to_text()
    assert found[0].file == "content/handbook/return-goods.md"
    assert found[0].line == line_of(chapter, reference)
    assert not (tmp_path / "site/downloads/handbook.pdf").exists()
    assert not (tmp_path / "site/downloads/handbook-booklet.pdf").exists()
    assert no_network == []


@pytest.mark.slow
def test_image_inside_the_project_is_allowed(built, tmp_path):
    _, _, cache, _, _ = built
    proj = fixture_project(BUILT, tmp_path / "proj")
    (proj / "content/handbook/images").mkdir()
    (proj / "content/handbook/images/dot.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><rect width="1" height="1"/></svg>')
    chapter = proj / "content/handbook/return-goods.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n\n![示意](images/dot.svg)\n", encoding="utf-8")
    problems, _ = build(proj, tmp_path / "site", copy_cache(cache, tmp_path / "cache"))
    assert problems.items == [], problems.to_text()
    assert (tmp_path / "site/downloads/handbook.pdf").exists()


@pytest.mark.slow
def test_uncovered_characters_fail_with_code_point_file_and_line(built, tmp_path):
    _, _, cache, _, _ = built
    proj = fixture_project(BUILT, tmp_path / "proj")
    chapter = proj / "content/handbook/complaint-guide.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n\n开心😀，生僻字𠀀。\n", encoding="utf-8")
    event = proj / "data/events/2027-001.yml"
    edit(event, "寒假是亲子乐园", "寒假😀是亲子乐园")
    problems, _ = build(proj, tmp_path / "site", copy_cache(cache, tmp_path / "cache"))
    glyphs = {(p.file, p.line, re.search(r"U\+[0-9A-F]+", p.message).group(0))
              for p in problems.items if p.rule == "pdf.glyph"}
    assert ("content/handbook/complaint-guide.md", line_of(chapter, "开心😀"), "U+1F600") in glyphs
    assert ("content/handbook/complaint-guide.md", line_of(chapter, "开心😀"), "U+20000") in glyphs
    assert ("data/events/2027-001.yml", line_of(event, "寒假😀"), "U+1F600") in glyphs
    assert all(p.level == "error" for p in problems.items)
    assert not (tmp_path / "site/downloads/handbook.pdf").exists()
    assert not (tmp_path / "site/downloads/flyers/2027-001.pdf").exists()
    assert (tmp_path / "site/downloads/flyers/2026-002.pdf").exists()  # the others are still made


@pytest.mark.parametrize("n,text", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (100, "一百"),
                                    (105, "一百零五"), (110, "一百一十"), (999, "九百九十九"), (1000, "1000")])
def test_chapter_numbers_in_chinese(n, text):
    from rightsite.pdf.brochures import cn_number

    assert cn_number(n) == text


@pytest.mark.slow
@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_channels_poster_lists_every_channel_on_one_page(built_fixture, name):
    from test_fixtures import pdf_text

    pdf = built_fixture(name).site / "downloads" / "channels-poster.pdf"
    assert len(PdfReader(pdf).pages) == 1
    text = re.sub(r"\s+", "", pdf_text(pdf))
    site = fixture_yaml(name, "data/site.yml")
    assert text.startswith(re.sub(r"\s+", "", f"{site['group']['name']}遇到消费纠纷，请找我们"))
    for ch in site["channels"]:
        value = ch["value"].removeprefix("https://")
        # two columns: pdftotext may interleave them, so the name and the value are looked up apart
        assert re.sub(r"\s+", "", ch["name"]) in text and re.sub(r"\s+", "", value) in text, ch["id"]
    has_12315 = any(ch["kind"] == "12315" for ch in site["channels"])
    assert ("全国12315平台" in text and "www.12315.cn" in text) == (not has_12315)
    assert "网站：投诉渠道" in text


@pytest.mark.slow
def test_a_wechat_channels_own_qr_image_is_printed_on_the_poster(tmp_path):
    import segno

    root = fixture_project("qinghe", tmp_path / "p")
    (root / "content" / "assets").mkdir(exist_ok=True)  # the fixture's logo is there already
    segno.make("qinghe-wechat").save(str(root / "content" / "assets" / "wechat-qr.png"), scale=6)
    edit(root / "data" / "site.yml", "    value: 青禾里生活\n", "    value: 青禾里生活\n    image: assets/wechat-qr.png\n")
    out, cache = tmp_path / "site", tmp_path / "cache"
    problems, stats = build(root, out, cache)
    assert problems.items == [], problems.to_text()
    reader = PdfReader(out / "downloads" / "channels-poster.pdf")
    images = [img for page in reader.pages for img in page.images]
    # the account's own code and the fixture's logo, raster images; the other QR codes are vector
    sizes = sorted(img.image.size for img in images)
    qr = segno.make("qinghe-wechat").symbol_size(scale=6)
    assert sizes == sorted([qr, (240, 240)]) and qr[0] >= 100
