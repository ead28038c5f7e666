"""The law entries' official texts: the laws page shows each article's text beside its summary,
with its source and 核对日期, and a 待核实 badge where it could not be verified; the guard asks for
the text of every cited article (`law.text_missing`), a recent check against the official text
(`stale.law`), a reason for every `verified: false` (`law.unverified`), and no citation of a
repealed or superseded article (`ref.law_repealed`).

Rule tests run `rightsite check` on a fresh copy of a fixture; page tests read the shared strict
builds of the fixtures, or one edited copy of qinghe built once per run.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, TODAY, Built, build_copy, check_json, edit, fixture_project, run_cli
from test_browser import _open, browser, desktop, phone, site_url  # noqa: F401  (its fixtures, shared)
from test_fixtures import fixture_yaml, squash, visible_text

LAWS = "data/laws.yml"
QINGHE_OWNER = "客户服务部"  # qinghe's group.owner: its data/laws.yml names no owner of its own


def rules(report: dict, rule: str) -> list[dict]:
    return [p for p in report["problems"] if p["rule"] == rule]


def text_line(report: dict, rule: str) -> list[str]:
    """The problems of `rule` as `rightsite check` prints them (file:line: level [rule] field: message)."""
    label = {"error": "错误 error", "warning": "警告 warning"}
    return [f"{p['file']}:{p['line']}: {label[p['level']]} [{p['rule']}] {p['field']}: {p['message']}"
            for p in rules(report, rule)]


def entry_line(path: Path, law_id: str, key: str = "id") -> int:
    """1-based line of `key` in the entry `law_id` of a laws.yml."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip() == f"- id: {law_id}")
    if key == "id":
        return start + 1
    for i in range(start + 1, len(lines)):
        if lines[i].startswith("  - id:"):
            break
        if lines[i].startswith(f"    {key}:"):
            return i + 1
    raise AssertionError(f"{key} not in {law_id}")


def index_of(root: Path, law_id: str) -> int:
    laws = yaml.safe_load((root / LAWS).read_text(encoding="utf-8"))["laws"]
    return [law["id"] for law in laws].index(law_id)


def line_in(path: Path, needle: str) -> int:
    return next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in ln)


def drop_key(path: Path, law_id: str, key: str) -> None:
    """Remove `key` (and a block scalar's lines under it) from the entry `law_id`."""
    lines = path.read_text(encoding="utf-8").split("\n")
    at = entry_line(path, law_id, key) - 1
    end = at + 1
    while end < len(lines) and lines[end].startswith("      "):
        end += 1
    path.write_text("\n".join(lines[:at] + lines[end:]), encoding="utf-8")


def set_key(path: Path, law_id: str, key: str, value: str) -> None:
    """Set `key: value` in the entry `law_id` (replacing it, or added after its id)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    try:
        at = entry_line(path, law_id, key) - 1
        lines[at] = f"    {key}: {value}"
    except AssertionError:
        lines.insert(entry_line(path, law_id), f"    {key}: {value}")
    path.write_text("\n".join(lines), encoding="utf-8")


# ---- law.text_missing ----------------------------------------------------------------------
def test_cited_law_without_text_names_who_cites_it(capsys, qinghe):
    laws = qinghe / LAWS
    drop_key(laws, "cpl-20", "text")
    drop_key(laws, "cpl-20", "source")
    drop_key(laws, "cpl-20", "checked")
    code, report = check_json(capsys, qinghe)
    chapter, case, std = ("content/handbook/mingma-biaojia.md", "data/cases/2026-001.yml", "data/standards/std-01.yml")
    assert text_line(report, "law.text_missing") == [
        f"{LAWS}:{entry_line(laws, 'cpl-20')}: 警告 warning [law.text_missing] laws[{index_of(qinghe, 'cpl-20')}].text: "
        f"《消法》第二十条（cpl-20）没有条文原文（text），引用它的有："
        f"{chapter} 第 {line_in(qinghe / chapter, '  - cpl-20')} 行、{case} 第 {line_in(qinghe / case, 'laws:')} 行、"
        f"{std} 第 {line_in(qinghe / std, 'laws: [cpl-20, price-5, price-8]')} 行。"
        "请从官方文本逐字照录本条全文（含各款）填入 text，并填写 source 和 checked。"
        " A cited law entry has no `text`; copy the article's official text verbatim into `text`, with `source` and `checked`."
    ]
    [p] = rules(report, "law.text_missing")
    assert p["owner"] == QINGHE_OWNER and code == 0  # a warning: the build goes on, `--strict` stops it
    assert check_json(capsys, qinghe, "--strict")[0] == 1


def test_law_cited_only_by_the_home_page_needs_its_text_too(capsys, qinghe):
    """cpl-7 (安全权) is cited by the rights chapter and by the home page's list of rights."""
    drop_key(qinghe / LAWS, "cpl-7", "text")
    _, report = check_json(capsys, qinghe)
    [p] = rules(report, "law.text_missing")
    assert "content/handbook/quanli.md 第" in p["message"] and "data/site.yml 第" in p["message"]


def test_uncited_law_without_text_is_no_problem(capsys, nanyu):
    """nanyu lists 消法第二十五条 without its text, and nothing cites it."""
    [entry] = [law for law in fixture_yaml("nanyu", LAWS)["laws"] if law["id"] == "cpl-25"]
    assert "text" not in entry
    code, report = check_json(capsys, nanyu)
    assert code == 0 and report["counts"] == {"error": 0, "warning": 0}
    # look-alike: once a case cites it, its missing text is reported
    edit(nanyu / "data/cases/2026-001.yml", "laws: [", "laws: [cpl-25, ")
    _, report = check_json(capsys, nanyu)
    [p] = rules(report, "law.text_missing")
    assert (p["line"], p["field"]) == (entry_line(nanyu / LAWS, "cpl-25"), f"laws[{index_of(nanyu, 'cpl-25')}].text")
    assert "data/cases/2026-001.yml 第" in p["message"]


# ---- stale.law --------------------------------------------------------------------------------
def test_law_text_not_checked_for_law_months(capsys, qinghe):
    laws = qinghe / LAWS
    # 2025-10-01 + 12 months (the default law_months) = 2026-10-01, before TODAY 2026-11-25
    set_key(laws, "cpl-8", "checked", "2025-10-01")
    _, report = check_json(capsys, qinghe)
    assert text_line(report, "stale.law") == [
        f"{LAWS}:{entry_line(laws, 'cpl-8', 'checked')}: 警告 warning [stale.law] laws[{index_of(qinghe, 'cpl-8')}].checked: "
        "《消法》第八条（cpl-8）的条文原文最近核对于 2025-10-01，超过 12 个月（自 2026-10-01 起）。"
        "请与官方文本逐字核对（是否修订、废止）后更新 checked。"
        " The text was not checked against the official text for 12 months; compare it and update `checked`."
    ]
    assert rules(report, "stale.law")[0]["owner"] == QINGHE_OWNER
    # look-alike: due on TODAY itself
    set_key(laws, "cpl-8", "checked", "2025-11-25")
    _, report = check_json(capsys, qinghe)
    assert rules(report, "stale.law") == []


def test_law_months_comes_from_the_review_policy(capsys, qinghe):
    edit(qinghe / "data/site.yml", "  recap_days: 21\n", "  recap_days: 21\n  law_months: 6\n")
    set_key(qinghe / LAWS, "price-5", "checked", "2026-05-24")  # + 6 months = 2026-11-24
    _, report = check_json(capsys, qinghe)
    [p] = rules(report, "stale.law")
    assert "最近核对于 2026-05-24，超过 6 个月（自 2026-11-24 起）" in p["message"]
    set_key(qinghe / LAWS, "price-5", "checked", "2026-05-25")
    _, report = check_json(capsys, qinghe)
    assert rules(report, "stale.law") == []


def test_text_without_checked_date(capsys, qinghe):
    laws = qinghe / LAWS
    drop_key(laws, "reg-44", "checked")
    _, report = check_json(capsys, qinghe)
    assert text_line(report, "stale.law") == [
        f"{LAWS}:{entry_line(laws, 'reg-44', 'text')}: 警告 warning [stale.law] laws[{index_of(qinghe, 'reg-44')}].checked: "
        "《实施条例》第四十四条（reg-44）有条文原文（text）但没有核对日期（checked）。"
        "请与官方文本逐字核对后填写 checked: YYYY-MM-DD。"
        " `text` without a `checked` date; compare it with the official text and add `checked`."
    ]


def test_stale_law_goes_to_the_owner_of_laws_yml(capsys, qinghe):
    laws = qinghe / LAWS
    edit(laws, "laws:\n", "owner: 法务合规部\nlaws:\n")
    set_key(laws, "cpl-8", "checked", "2025-10-01")
    _, report = check_json(capsys, qinghe)
    [p] = rules(report, "stale.law")
    assert p["owner"] == "法务合规部"
    code, out, _ = run_cli(capsys, "--root", str(qinghe), "stale", "--today", TODAY)
    assert code == 0 and "== 法务合规部（1 项）==" in out
    assert f"{LAWS}:{entry_line(laws, 'cpl-8', 'checked')} [stale.law]" in out


# ---- law.unverified ----------------------------------------------------------------------------
def test_unverified_law_is_a_warning_with_its_note(capsys, qinghe):
    laws = qinghe / LAWS
    set_key(laws, "price-8", "verified", "false")
    set_key(laws, "price-8", "verify_note", "只找到转载文本，未能与总局令原文逐字核对。")
    code, report = check_json(capsys, qinghe)
    assert text_line(report, "law.unverified") == [
        f"{LAWS}:{entry_line(laws, 'price-8', 'verified')}: 警告 warning [law.unverified] "
        f"laws[{index_of(qinghe, 'price-8')}].verified: "
        "《明码标价规定》第八条（price-8）标为待核实（verified: false），网站上显示“待核实”。"
        "核实说明：只找到转载文本，未能与总局令原文逐字核对。请对照官方文本核实后删去 verified 和 verify_note，并更新 checked。"
        " Not verified against the official text; verify it, then remove `verified` and `verify_note` and update `checked`."
    ]
    assert code == 0


def test_unverified_law_without_a_note_is_an_error(capsys, qinghe):
    laws = qinghe / LAWS
    set_key(laws, "price-8", "verified", "false")
    code, report = check_json(capsys, qinghe)
    assert text_line(report, "law.unverified") == [
        f"{LAWS}:{entry_line(laws, 'price-8', 'verified')}: 错误 error [law.unverified] "
        f"laws[{index_of(qinghe, 'price-8')}].verified: "
        "《明码标价规定》第八条（price-8）标为待核实（verified: false），但没有 verify_note。"
        "请在 verify_note 中写明未能核实的原因，或核实后删去 verified: false。"
        " `verified: false` needs a `verify_note` saying why it could not be verified."
    ]
    assert code == 1
    # what `check` reports, `build` refuses: the same problem, and no site
    code, _, err = run_cli(capsys, "--root", str(qinghe), "build", "--today", TODAY)
    assert code == 1 and "[law.unverified]" in err and not (qinghe / "site").exists()


# ---- ref.law_repealed ---------------------------------------------------------------------------
def test_citing_a_repealed_law_is_an_error_at_each_citation(capsys, qinghe):
    laws = qinghe / LAWS
    set_key(laws, "cpl-20", "repealed", "2027-01-01")  # look-alike: repealed only after TODAY
    code, report = check_json(capsys, qinghe)
    assert rules(report, "ref.law_repealed") == [] and code == 0
    set_key(laws, "cpl-20", "repealed", "2026-01-01")
    code, report = check_json(capsys, qinghe)
    case = qinghe / "data/cases/2026-001.yml"
    assert (f"data/cases/2026-001.yml:{line_in(case, 'laws:')}: 错误 error [ref.law_repealed] laws.0: "
            "引用的 《消法》第二十条（cpl-20）已于 2026-01-01 废止。请改为引用现行条款。"
            " Cites a repealed or superseded article; cite the one in force.") in text_line(report, "ref.law_repealed")
    assert {(p["file"], p["field"]) for p in rules(report, "ref.law_repealed")} == {
        ("content/handbook/mingma-biaojia.md", "laws.0"), ("data/cases/2026-001.yml", "laws.0"),
        ("data/standards/std-01.yml", "clauses.2.laws.0")}
    assert code == 1 and rules(report, "stale.law") == []  # one rule for it, not two


def test_citing_a_superseded_law_names_its_successor(capsys, qinghe):
    """Superseded without a repeal date: the home page's list of rights cites it too."""
    set_key(qinghe / LAWS, "cpl-7", "superseded_by", "cpl-8")
    code, report = check_json(capsys, qinghe)
    site = qinghe / "data/site.yml"
    found = {(p["file"], p["field"]): p for p in rules(report, "ref.law_repealed")}
    assert set(found) == {("content/handbook/quanli.md", "laws.0"), ("data/site.yml", "home.rights.items.0.law")}
    p = found[("data/site.yml", "home.rights.items.0.law")]
    assert p["line"] == line_in(site, "law: cpl-7") and p["level"] == "error" and code == 1
    assert p["message"].startswith("引用的 《消法》第七条（cpl-7）已由 《消法》第八条（cpl-8）取代。请改为引用现行条款")


# ---- the laws page ----------------------------------------------------------------------------
def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def article_block(html: str, law_id: str) -> str:
    """The HTML of one article on the laws page: from its heading to the next article's."""
    start = html.index(f'id="{law_id}"')
    end = min([i for i in (html.find("<h3", start + 1), html.find("<h2", start + 1)) if i > 0] or [len(html)])
    return html[start:end]


@pytest.fixture
def qb(built_fixture) -> Built:
    b = built_fixture("qinghe")
    assert b.code == 0, b.err
    return b


@pytest.mark.slow
@pytest.mark.parametrize("name", ["qinghe", "nanyu"])
def test_laws_page_shows_each_text_with_source_and_checked_date(built_fixture, name):
    b = built_fixture(name)
    assert b.code == 0, b.err
    html = page(b.site, "laws")
    for law in fixture_yaml(name, LAWS)["laws"]:
        block = article_block(html, law["id"])
        shown = squash(visible_text(block))
        assert squash(law["summary"]) in shown, law["id"]
        if "text" not in law:
            assert "<details" not in block and "本条原文尚未收录" in shown, law["id"]
            continue
        text = block[block.index('<details class="rs-law-text"'):block.index("</details>")]
        assert "<summary>查看条文原文</summary>" in text and "<details class=\"rs-law-text\" open" not in text
        paragraphs = re.findall(r"<p>(.*?)</p>", text, re.S)
        assert paragraphs == law["text"].split("\n"), law["id"]  # every 款 and 项 its own paragraph, verbatim
        checked = law["checked"]
        assert f"来源：{law['source']} · 核对日期：{checked.year}年{checked.month}月{checked.day}日" in visible_text(text)
        assert "待核实" not in shown
    assert "<details" in html and "待核实" not in visible_text(html)


def _make_hostile(root: Path) -> None:
    fixture_project("qinghe", root)
    laws = root / LAWS
    set_key(laws, "price-8", "verified", "false")
    set_key(laws, "price-8", "verify_note", "'只找到转载文本 <b>未核对</b>'")
    drop_key(laws, "cpl-11", "text")
    set_key(laws, "cpl-11", "text", "|-\n      第一款<script>alert(1)</script>，见[官方](javascript:alert(2))。\n"
                                     "      **不是粗体** {: onclick=alert(3) } <img src=x onerror=alert(4)>\n"
                                     "      1. 不是列表\n      # 不是标题")
    set_key(laws, "cpl-11", "source", "'<a href=\"javascript:alert(5)\">来源</a>'")


@pytest.fixture(scope="session")
def hostile(shared_dir) -> Built:
    """qinghe with an unverified article and an article text full of markup, built once (not strict)."""
    return build_copy(shared_dir, "qinghe-laws", "qinghe", _make_hostile, strict=False)


@pytest.mark.slow
def test_unverified_article_shows_a_badge_and_its_note(hostile):
    assert hostile.code == 0, hostile.err
    assert "[law.unverified]" in hostile.err
    block = article_block(page(hostile.site, "laws"), "price-8")
    assert '<strong class="rs-badge">待核实</strong>' in block  # a word, not a colour
    assert "待核实本条的文字或日期尚未与官方文本核实：只找到转载文本<b>未核对</b>" in squash(visible_text(block))
    assert "<b>未核对</b>" not in block
    # the others carry no badge
    assert page(hostile.site, "laws").count("rs-badge") == 1


@pytest.mark.slow
def test_hostile_law_text_is_shown_as_text(hostile):
    assert hostile.code == 0, hostile.err
    html = page(hostile.site, "laws")
    block = article_block(html, "cpl-11")
    shown = visible_text(block)
    for literal in ("第一款<script>alert(1)</script>，见[官方](javascript:alert(2))。",
                    "**不是粗体** {: onclick=alert(3) } <img src=x onerror=alert(4)>", "1. 不是列表", "# 不是标题",
                    '来源：<a href="javascript:alert(5)">来源</a>'):
        assert literal in shown, literal
    assert "<script>alert" not in html
    assert not re.search(r"<(img|a)\b[^>]*(onerror|onclick|javascript)", html)
    assert "<strong>不是粗体" not in block and "<ol>" not in block and "<h1" not in block
    # a `javascript:` url never gets this far: check refuses it (schema.url, tests/test_hostile_input.py)


@pytest.mark.slow
@pytest.mark.parametrize("path,cited", [("cases/2026-001", "data/cases/2026-001.yml"),
                                        ("handbook/mingma-biaojia", "content/handbook/mingma-biaojia.md")])
def test_law_links_land_on_the_article_text(qb, path, cited):
    """Every law a case or chapter page links to is an anchor of the laws page, with the article's text under it."""
    laws = {law["id"]: law for law in fixture_yaml("qinghe", LAWS)["laws"]}
    html = page(qb.site, "laws")
    front = (FIXTURES / "qinghe" / cited).read_text(encoding="utf-8").split("---\n")
    record = yaml.safe_load(front[1] if cited.endswith(".md") else front[0])
    links = re.findall(r'href="\.\./\.\./laws/#([^"]+)"', page(qb.site, path))
    assert links == record["laws"]
    for law_id in links:
        assert html.count(f'id="{law_id}"') == 1
        block = article_block(html, law_id)
        first = laws[law_id]["text"].split("\n")[0]
        assert f"<p>{first}</p>" in block[block.index("<details"):], law_id


# ---- in a browser: beside the summary on a wide screen, folded on a phone ------------------------
@pytest.mark.slow
@pytest.mark.browser
def test_law_text_beside_the_summary_on_wide_screens_folded_on_phones(site_url, desktop, phone):  # noqa: F811
    first = fixture_yaml("qinghe", LAWS)["laws"]
    cpl24 = next(law for law in first if law["id"] == "cpl-24")["text"].split("\n")[0]
    # a reader arrives from a case page's link
    page, _, errors = _open(desktop, site_url + "laws/#cpl-24")
    summary = page.locator("#cpl-24 + .rs-law .rs-law-summary")
    text = page.locator("#cpl-24 + .rs-law .rs-law-text p").first
    assert text.inner_text() == cpl24 and text.is_visible() and summary.is_visible()
    s, t = summary.bounding_box(), text.bounding_box()
    assert s and t and t["x"] >= s["x"] + s["width"] and abs(t["y"] - s["y"]) < s["height"]  # side by side
    assert errors == []

    page, _, errors = _open(phone, site_url + "laws/#cpl-24")
    toggle = page.locator("#cpl-24 + .rs-law .rs-law-text > summary")
    text = page.locator("#cpl-24 + .rs-law .rs-law-text p").first
    assert toggle.inner_text().strip() == "查看条文原文" and toggle.is_visible() and not text.is_visible()
    toggle.click()
    assert text.is_visible() and text.inner_text() == cpl24
    assert errors == []
