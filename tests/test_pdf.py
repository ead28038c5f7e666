"""The printable PDFs: handbook brochure and booklet, service standards, event flyers.

Unit tests of the pieces (fetch policy, QR, booklet order, text helpers) run fast; the
tests that render are marked slow and share one build of the sample project.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import ROOT, TODAY, copy_project, edit, line_of
from rightsite.clock import start_of_day
from rightsite.load import load_project
from rightsite.pdf import build_pdfs
from rightsite.pdf.booklet import booklet_order, padded_sequence
from rightsite.pdf.brochures import (Brochures, cn_number, event_when, html_paragraphs, printed_text,
                                     short_description)
from rightsite.pdf.fetcher import FetchRefused, ProjectFetcher, decode_data_url, scan_html
from rightsite.pdf.fonts import prepare_fonts
from rightsite.pdf.qr import qr_svg, short_url

TODAY_D = dt.date.fromisoformat(TODAY)
CLOSING = "，。、；：？！）」』》〉】”’"
A5 = (419.5, 595.3)
A4 = (595.3, 841.9)


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


def size_of(page) -> tuple[float, float]:
    return float(page.mediabox.width), float(page.mediabox.height)


def events_data(root: Path) -> dict[str, dict]:
    out = {}
    for path in sorted((root / "data/events").glob("*.yml")):
        out[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return out


def expected_flyers(root: Path) -> set[str]:
    now = start_of_day(TODAY_D)
    ids = set()
    for eid, data in events_data(root).items():
        end = data["end"] if isinstance(data["end"], dt.datetime) else dt.datetime.fromisoformat(str(data["end"]))
        if data["status"] in ("planned", "postponed") and end > now:
            ids.add(eid)
    return ids


def copy_cache(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest


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
    root = copy_project(tmp_path / "proj")
    fetcher = ProjectFetcher(root)
    chapter = root / "content/handbook/nine-rights.md"
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
    root = copy_project(tmp_path / "proj")
    base = (root / "content/handbook").as_uri() + "/"
    html = ('<p><img src="http://example.com/a.png"><img src="images/missing.png">'
            '<a href="https://www.12315.cn/">ok</a><a href="file:///etc/passwd">x</a>'
            '<a rel="attachment" href="nine-rights.md">att</a>'
            '<span style="background: url(https://evil.example/x.png)">s</span>'
            '<style>@import "https://evil.example/a.css";</style>'
            '<img src="data:image/png;base64,iVBORw0KGgo="></p>')
    urls = sorted(r.url for r in scan_html(html, base, ProjectFetcher(root)))
    assert urls == sorted(["http://example.com/a.png", "images/missing.png", "file:///etc/passwd",
                           "nine-rights.md", "https://evil.example/x.png", "https://evil.example/a.css"])


def test_text_helpers():
    assert [cn_number(n) for n in (1, 9, 10, 12, 20, 31)] == ["一", "九", "十", "十二", "二十", "三十一"]
    start = dt.datetime.fromisoformat("2026-12-10T09:30:00+08:00")
    assert event_when(start, start + dt.timedelta(hours=2)) == ("2026年12月10日（星期四）", "09:30–11:30")
    assert short_url("https://www.12315.cn/") == "www.12315.cn"
    assert short_url("https://rights.example/events/2026-007/") == "rights.example/events/2026-007/"
    assert short_description("一句。二句。" * 100, 20).endswith("。")
    assert len(short_description("很长" * 200, 50)) <= 50
    assert str(html_paragraphs("<script>x</script> & 换行前。\n续行\n\n第二段")) == \
        "<p>&lt;script&gt;x&lt;/script&gt; &amp; 换行前。续行</p>\n<p>第二段</p>"
    # list items keep their whole text (the web's escaping, rendered as HTML)
    assert str(html_paragraphs("说明：\n- 第一项\n- 第二项")) == "<p>说明：</p>\n<ul>\n<li>第一项</li>\n<li>第二项</li>\n</ul>"


def test_qr_is_a_scalable_square():
    svg = qr_svg("https://rights.chengjianghui.example/")
    m = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    assert m and m.group(1) == m.group(2)
    assert svg == qr_svg("https://rights.chengjianghui.example/")  # same input, same bytes


def test_record_text_is_escaped_in_the_html(tmp_path):
    root = copy_project(tmp_path / "proj")
    edit(root / "data/events/2026-007.yml", "title: 元旦", "title: <b>x</b> & 元旦")
    project = load_project(root)
    fonts = prepare_fonts(ROOT / ".cache")
    docs = Brochures(project, TODAY_D, fonts, ProjectFetcher(root)).flyers()
    html = next(d.html for d in docs if d.output.endswith("2026-007.pdf"))
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt; &amp; 元旦" in html


def test_print_css_uses_only_our_fonts_and_no_fills():
    css = (ROOT / "theme/pdf/print.css").read_text(encoding="utf-8")
    families = set(re.findall(r'font-family:\s*"([^"]+)"', css))
    assert families == {"Rightsite Serif SC", "Rightsite Sans SC"}
    assert "background" not in re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def test_printed_text_skips_markup():
    assert printed_text('<html><head><title>T</title><style>a{}</style></head>'
                        '<body><p>你好<a data-short="x.cn">链接</a></p></body></html>') == "你好x.cn链接"


# ---- the sample project, built once (slow) ----------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("pdfs")
    root = copy_project(base / "proj")
    out, cache = base / "site", base / "cache"
    problems, stats = build(root, out, cache)
    return root, out / "downloads", cache, problems, stats


@pytest.mark.slow
def test_build_writes_every_pdf_without_problems(built):
    root, dl, _, problems, stats = built
    assert problems.items == [], problems.to_text()
    standards = sorted(p.stem for p in (root / "data/standards").glob("*.yml"))
    assert (dl / "handbook.pdf").exists() and (dl / "handbook-booklet.pdf").exists()
    assert (dl / "standards.pdf").exists()
    assert sorted(p.stem for p in (dl / "standards").glob("*.pdf")) == standards
    assert stats["rendered"] == 2 + 1 + len(standards) + len(expected_flyers(root)) and stats["reused"] == 0


@pytest.mark.slow
def test_cjk_fonts_are_embedded_subsets_of_our_faces(built):
    _, dl, _, _, _ = built
    pdfs = [dl / "handbook.pdf", dl / "standards.pdf", *sorted(dl.glob("standards/*.pdf")),
            *sorted(dl.glob("flyers/*.pdf"))]
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
def test_handbook_toc_matches_the_pages_where_chapters_start(built):
    root, dl, _, _, _ = built
    project = load_project(root)
    chapters = project.sorted_chapters()
    pdf = dl / "handbook.pdf"
    reader = PdfReader(pdf)
    assert all(size_of(p) == pytest.approx(A5, abs=1) for p in reader.pages)
    texts = pages_text(pdf, layout=True)
    toc_index = next(i for i, t in enumerate(texts) if "目录" in t)
    toc = {m.group(2).strip(): int(m.group(3)) for m in
           re.finditer(r"^\s*(\d+)\s+(\S.*?)\s*\.{3,}\s*(\d+)\s*$", texts[toc_index], re.M)}
    outline = {o.title: reader.get_destination_page_number(o) + 1 for o in reader.outline if not isinstance(o, list)}
    for n, ch in enumerate(chapters, 1):
        title = ch.record.title
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


@pytest.mark.slow
def test_handbook_cover_metadata_and_typography(built):
    root, dl, _, _, _ = built
    site = yaml.safe_load((root / "data/site.yml").read_text(encoding="utf-8"))
    reader = PdfReader(dl / "handbook.pdf")
    meta = reader.metadata
    assert meta["/Author"] == site["group"]["name"] and site["mall"]["name"] in meta["/Title"]
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    reviewed = max(yaml.safe_load(p.read_text(encoding="utf-8").split("---")[1])["reviewed"]
                   for p in (root / "content/handbook").glob("*.md"))
    assert meta["/CreationDate"].startswith(f"D:{reviewed:%Y%m%d}")
    texts = pages_text(dl / "handbook.pdf")
    cover = texts[0].replace(" ", "")
    assert site["mall"]["name"] in cover and site["group"]["name"] in cover
    assert f"{reviewed.year}年{reviewed.month}月版" in cover and short_url(site["base_url"]) in cover
    for i, text in enumerate(texts, 1):
        for line in filter(None, (ln.strip() for ln in text.splitlines())):
            assert line[0] not in CLOSING, f"page {i}: a line starts with closing punctuation: {line!r}"


@pytest.mark.slow
def test_back_cover_lists_every_channel_and_12315(built):
    root, dl, _, _, _ = built
    site = yaml.safe_load((root / "data/site.yml").read_text(encoding="utf-8"))
    texts = pages_text(dl / "handbook.pdf")
    back = texts[-1]
    assert len(texts) % 2 == 0, "the back cover is a left-hand page"
    for channel in site["channels"]:
        value = str(channel["value"])
        shown = short_url(value) if value.startswith("http") else value
        assert channel["name"] in back and shown in back, channel
    assert "12315" in back


@pytest.mark.slow
def test_booklet_is_imposed_for_saddle_stitch(built):
    _, dl, _, _, _ = built
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
def test_standards_pdfs_carry_versions_levels_and_legal_basis(built):
    root, dl, _, _, _ = built
    whole = "".join(pages_text(dl / "standards.pdf")).replace(" ", "")
    for path in sorted((root / "data/standards").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        single = "".join(pages_text(dl / "standards" / f"{path.stem}.pdf")).replace(" ", "")
        for text in (whole, single):
            assert data["title"] in text.replace("\n", "") and f"第{data['version']}版" in text
            assert f"{data['effective'].year}年{data['effective'].month}月{data['effective'].day}日" in text
            for clause in data["clauses"]:
                assert re.search(rf"^{re.escape(clause['number'])}$", text, re.M), clause["number"]
        assert all(c["level"] in single for c in data["clauses"])
    assert all(lvl in whole for lvl in ("必须", "应当", "建议"))
    assert "《消法》第二十条" in whole
    assert all(size_of(p) == pytest.approx(A4, abs=1) for p in PdfReader(dl / "standards.pdf").pages)


@pytest.mark.slow
def test_flyers_only_for_upcoming_events(built):
    root, dl, _, _, _ = built
    made = {p.stem for p in (dl / "flyers").glob("*.pdf")}
    assert made == expected_flyers(root)
    events = events_data(root)
    assert not any(events[e]["status"] in ("held", "cancelled") for e in made)
    site = yaml.safe_load((root / "data/site.yml").read_text(encoding="utf-8"))
    for eid in made:
        reader = PdfReader(dl / "flyers" / f"{eid}.pdf")
        assert len(reader.pages) == 1 and size_of(reader.pages[0]) == pytest.approx(A4, abs=1)
        text = pages_text(dl / "flyers" / f"{eid}.pdf")[0].replace("\n", "").replace(" ", "")
        data = events[eid]
        assert data["title"].replace(" ", "") in text and data["location"] in text
        assert short_url(f"{site['base_url']}events/{eid}/") in text
        assert reader.metadata["/Title"] == data["title"]


@pytest.mark.slow
def test_font_subsetting_uses_harfbuzz():
    """Without libharfbuzz-subset WeasyPrint subsets fonts with fontTools, ~30x slower.
    Speed itself is measured by `make bench`; here we only check the set-up installed it."""
    import ctypes.util

    assert ctypes.util.find_library("harfbuzz-subset"), "apt-get install libharfbuzz-subset0 (make site does)"


@pytest.mark.slow
def test_second_build_reuses_every_pdf_and_is_identical(built, tmp_path):
    root, dl, cache, _, first = built
    cache2 = copy_cache(cache, tmp_path / "cache")
    problems, stats = build(root, tmp_path / "site", cache2)
    assert problems.items == []
    assert stats["rendered"] == 0 and stats["reused"] == first["rendered"]
    for pdf in dl.rglob("*.pdf"):
        assert (tmp_path / "site/downloads" / pdf.relative_to(dl)).read_bytes() == pdf.read_bytes(), pdf


@pytest.mark.slow
def test_a_changed_event_renders_only_its_flyer(built, tmp_path):
    root, _, cache, _, _ = built
    proj = copy_project(tmp_path / "proj")
    edit(proj / "data/events/2026-007.yml", "location: ", "location: 二层")
    problems, stats = build(proj, tmp_path / "site", copy_cache(cache, tmp_path / "cache"))
    assert problems.items == []
    rendered = [k for k, v in stats["documents"].items() if v["status"] == "rendered"]
    assert rendered == ["downloads/flyers/2026-007.pdf"]


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
    proj = copy_project(tmp_path / "proj")
    chapter = proj / "content/handbook/price-marking.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n\n{reference}\n", encoding="utf-8")
    problems, stats = build(proj, tmp_path / "site", copy_cache(cache, tmp_path / "cache"))
    found = [p for p in problems.items if p.rule == "pdf.fetch"]
    assert len(found) == 1, problems.to_text()
    assert found[0].file == "content/handbook/price-marking.md"
    assert found[0].line == line_of(chapter, reference)
    assert not (tmp_path / "site/downloads/handbook.pdf").exists()
    assert not (tmp_path / "site/downloads/handbook-booklet.pdf").exists()
    assert no_network == []


@pytest.mark.slow
def test_image_inside_the_project_is_allowed(built, tmp_path):
    _, _, cache, _, _ = built
    proj = copy_project(tmp_path / "proj")
    (proj / "content/handbook/images").mkdir()
    (proj / "content/handbook/images/dot.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><rect width="1" height="1"/></svg>')
    chapter = proj / "content/handbook/price-marking.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n\n![示意](images/dot.svg)\n", encoding="utf-8")
    problems, _ = build(proj, tmp_path / "site", copy_cache(cache, tmp_path / "cache"))
    assert problems.items == [], problems.to_text()
    assert (tmp_path / "site/downloads/handbook.pdf").exists()


@pytest.mark.slow
def test_uncovered_characters_fail_with_code_point_file_and_line(built, tmp_path):
    _, _, cache, _, _ = built
    proj = copy_project(tmp_path / "proj")
    chapter = proj / "content/handbook/food-safety.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n\n开心😀，生僻字𠀀。\n", encoding="utf-8")
    event = proj / "data/events/2026-008.yml"
    edit(event, "年末是购物卡", "年末😀是购物卡")
    problems, _ = build(proj, tmp_path / "site", copy_cache(cache, tmp_path / "cache"))
    glyphs = {(p.file, p.line, re.search(r"U\+[0-9A-F]+", p.message).group(0))
              for p in problems.items if p.rule == "pdf.glyph"}
    assert ("content/handbook/food-safety.md", line_of(chapter, "开心😀"), "U+1F600") in glyphs
    assert ("content/handbook/food-safety.md", line_of(chapter, "开心😀"), "U+20000") in glyphs
    assert ("data/events/2026-008.yml", line_of(event, "年末😀"), "U+1F600") in glyphs
    assert all(p.level == "error" for p in problems.items)
    assert not (tmp_path / "site/downloads/handbook.pdf").exists()
    assert not (tmp_path / "site/downloads/flyers/2026-008.pdf").exists()
    assert (tmp_path / "site/downloads/flyers/2026-007.pdf").exists()  # the others are still made


@pytest.mark.parametrize("n,text", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (100, "一百"),
                                    (105, "一百零五"), (110, "一百一十"), (999, "九百九十九"), (1000, "1000")])
def test_chapter_numbers_in_chinese(n, text):
    from rightsite.pdf.brochures import cn_number

    assert cn_number(n) == text
