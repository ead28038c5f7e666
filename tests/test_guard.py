"""Staleness and integrity rules: each with a fixture that triggers it and a look-alike that does not.

The fixture is a fresh copy of tests/fixtures/qinghe (青禾里生活广场), whose data/site.yml sets its own
review policy (chapters 18 months, cases 2 years, channels 6 months, recaps 21 days), unlike the
defaults; nanyu (南屿湾购物公园) has none and uses the defaults.
"""
from __future__ import annotations

import json
import subprocess

import yaml

from conftest import check_json, edit, line_of, run_cli

CHAPTER = "content/handbook/mingma-biaojia.md"  # owner 招商运营部, reviewed 2026-09-01
CHAPTER_OWNER = "招商运营部"
STD = "data/standards/std-01.yml"  # owner 客户服务部, review_by 2027-06-30
STD_OWNER = "客户服务部"
CASE = "data/cases/2025-003.yml"  # received 2025-09-08, reviewed 2026-04-02


def rules(report: dict, rule: str) -> list[dict]:
    return [p for p in report["problems"] if p["rule"] == rule]


def check_on(capsys, root, today: str) -> dict:
    _, out, _ = run_cli(capsys, "--root", str(root), "check", "--today", today, "--format", "json")
    return json.loads(out)


def test_chapter_past_review_is_a_warning_and_strict_fails(capsys, qinghe):
    # 2025-05-01 + 18 months (qinghe's chapter_months) = 2026-11-01, before TODAY 2026-11-25
    edit(qinghe / CHAPTER, "reviewed: 2026-09-01", "reviewed: 2025-05-01")
    code, report = check_json(capsys, qinghe)
    [p] = rules(report, "stale.chapter")
    assert p["level"] == "warning" and code == 0
    assert (p["file"], p["line"], p["owner"]) == (CHAPTER, line_of(qinghe / CHAPTER, "reviewed:"), CHAPTER_OWNER)
    assert "2026-11-01" in p["message"]  # due date = since when
    code, _ = check_json(capsys, qinghe, "--strict")
    assert code == 1


def test_chapter_review_follows_the_sites_policy(capsys, qinghe):
    """Look-alike: 17 months old is stale under the default 12 months, not under qinghe's 18."""
    edit(qinghe / CHAPTER, "reviewed: 2026-09-01", "reviewed: 2025-06-01")
    code, report = check_json(capsys, qinghe, "--strict")
    assert rules(report, "stale.chapter") == [] and code == 0


def test_chapter_review_months_override(capsys, qinghe):
    # 2026-09-01 + 2 months = 2026-11-01 < TODAY, although the site's policy says 18 months
    edit(qinghe / CHAPTER, "reviewed: 2026-09-01", "reviewed: 2026-09-01\nreview_months: 2")
    _, report = check_json(capsys, qinghe)
    [p] = rules(report, "stale.chapter")
    assert p["file"] == CHAPTER and "2026-11-01" in p["message"]
    # look-alike: 3 months are due on 2026-12-01, after TODAY
    edit(qinghe / CHAPTER, "review_months: 2", "review_months: 3")
    _, report = check_json(capsys, qinghe)
    assert rules(report, "stale.chapter") == []


def test_chapter_without_date_uses_git_or_says_unknown(capsys, qinghe):
    edit(qinghe / CHAPTER, "reviewed: 2026-09-01\n", "")
    _, report = check_json(capsys, qinghe)  # the copy is not a git repository
    [p] = rules(report, "stale.unknown")
    assert (p["file"], p["owner"]) == (CHAPTER, CHAPTER_OWNER) and "reviewed" in p["message"]
    assert rules(report, "stale.chapter") == []
    # with history: falls back to the commit date
    subprocess.run(["git", "init", "-q"], cwd=qinghe, check=True)
    subprocess.run(["git", "add", "-A"], cwd=qinghe, check=True)
    env = {"GIT_AUTHOR_DATE": "2024-01-02T10:00:00+08:00", "GIT_COMMITTER_DATE": "2024-01-02T10:00:00+08:00",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e",
           "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "commit", "-qm", "x"], cwd=qinghe, check=True, env=env)
    from rightsite.gitdates import git_dates

    git_dates.cache_clear()
    _, report = check_json(capsys, qinghe)
    [p] = rules(report, "stale.chapter")
    assert p["file"] == CHAPTER and "2024-01-02" in p["message"] and "git" in p["message"]
    assert "2025-07-02" in p["message"]  # 2024-01-02 + qinghe's 18 months
    assert rules(report, "stale.unknown") == []


def test_standard_past_review(capsys, qinghe):
    path = qinghe / STD
    edit(path, "review_by: 2027-06-30", "review_by: 2026-11-01")
    _, report = check_json(capsys, qinghe)
    [p] = rules(report, "stale.standard")
    assert (p["file"], p["line"], p["owner"]) == (STD, line_of(path, "review_by:"), STD_OWNER)
    assert "2026-11-01" in p["message"]
    # look-alike: due on TODAY itself is not overdue yet
    edit(path, "review_by: 2026-11-01", "review_by: 2026-11-25")
    _, report = check_json(capsys, qinghe)
    assert rules(report, "stale.standard") == []


def test_planned_event_in_the_past(capsys, qinghe, nanyu):
    rel = "data/events/2026-002.yml"  # qinghe: planned, ends 2026-12-12 11:00
    path = qinghe / rel
    assert rules(check_json(capsys, qinghe)[1], "stale.event") == []
    assert rules(check_on(capsys, qinghe, "2026-12-12"), "stale.event") == []  # not over at the start of that day
    [p] = rules(check_on(capsys, qinghe, "2026-12-13"), "stale.event")
    assert (p["file"], p["line"]) == (rel, line_of(path, "status:"))
    assert "2026-12-12" in p["message"] and "planned" in p["message"]
    # a postponed event is stale the same way (nanyu's 2026-002, postponed to 2026-12-12)
    [p] = rules(check_on(capsys, nanyu, "2026-12-13"), "stale.event")
    assert (p["file"], p["line"]) == (rel, line_of(nanyu / rel, "status:"))
    assert "postponed" in p["message"]


def test_held_event_without_recap(capsys, qinghe):
    rel = "data/events/2025-002.yml"  # held on 2025-09-24
    path = qinghe / rel
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("recap:")], encoding="utf-8")
    _, report = check_json(capsys, qinghe)
    [p] = rules(report, "stale.recap")
    assert (p["file"], p["line"]) == (rel, line_of(path, "status:"))
    assert "结束 21 天后" in p["message"] and "2025-10-15" in p["message"]  # qinghe's recap_days


def test_repealed_law_lists_every_citing_record(capsys, qinghe):
    laws = qinghe / "data/laws.yml"
    text = laws.read_text(encoding="utf-8")

    def repeal(day: str) -> None:
        start = text.index("- id: cpl-20")
        at = text.index("repealed:", start)
        laws.write_text(text[:at] + f"repealed: {day}" + text[at + len("repealed:"):], encoding="utf-8")

    repeal("2027-01-01")  # look-alike: repealed only after TODAY
    _, report = check_json(capsys, qinghe)
    assert rules(report, "ref.law_repealed") == []
    repeal("2026-01-01")
    _, report = check_json(capsys, qinghe)
    found = rules(report, "ref.law_repealed")  # an error since law texts have their own stale.law
    assert {(p["file"], p["line"], p["field"]) for p in found} == {
        (CHAPTER, line_of(qinghe / CHAPTER, "  - cpl-20"), "laws.0"),
        ("data/cases/2026-001.yml", line_of(qinghe / "data/cases/2026-001.yml", "laws:"), "laws.0"),
        (STD, line_of(qinghe / STD, "laws: [cpl-20, price-5, price-8]"), "clauses.2.laws.0"),
    }
    assert len(found) == 3
    assert all("cpl-20" in p["message"] and "2026-01-01" in p["message"] and p["level"] == "error" for p in found)


def test_channel_not_verified(capsys, qinghe):
    path = qinghe / "data/site.yml"
    # 2026-05-24 + 6 months (qinghe's channel_months) = 2026-11-24, before TODAY
    edit(path, "verified: 2026-08-21", "verified: 2026-05-24")
    _, report = check_json(capsys, qinghe)
    [p] = rules(report, "stale.channel")
    assert (p["file"], p["line"], p["field"]) == ("data/site.yml", line_of(path, "verified: 2026-05-24"),
                                                   "channels[3].verified")
    assert "维权信箱" in p["message"] and p["owner"] == "客户服务部"
    # look-alike: due on TODAY itself
    edit(path, "verified: 2026-05-24", "verified: 2026-05-25")
    _, report = check_json(capsys, qinghe)
    assert rules(report, "stale.channel") == []


def test_case_not_reviewed_for_years(capsys, qinghe):
    """qinghe reviews cases every 2 years (the default is 3)."""
    path = qinghe / CASE
    edit(path, "reviewed: 2026-04-02", "reviewed: 2025-09-20")
    [p] = rules(check_on(capsys, qinghe, "2027-10-01"), "stale.case")
    assert (p["file"], p["line"]) == (CASE, line_of(path, "reviewed:"))
    assert "2 年" in p["message"] and "2027-09-20" in p["message"]
    assert rules(check_on(capsys, qinghe, "2027-09-20"), "stale.case") == []


def test_stale_report_grouped_by_owner(capsys, qinghe):
    edit(qinghe / CHAPTER, "reviewed: 2026-09-01", "reviewed: 2025-05-01")
    edit(qinghe / STD, "review_by: 2027-06-30", "review_by: 2026-11-01")
    code, out, _ = run_cli(capsys, "--root", str(qinghe), "stale", "--today", "2026-11-25")
    assert code == 0
    assert f"== {CHAPTER_OWNER}（1 项）==" in out and f"== {STD_OWNER}（1 项）==" in out
    assert out.index(CHAPTER) > out.index(f"== {CHAPTER_OWNER}")
    assert out.index(STD) > out.index(f"== {STD_OWNER}")
    code, out, _ = run_cli(capsys, "--root", str(qinghe), "stale", "--today", "2026-11-25", "--format", "json")
    data = json.loads(out)
    assert data["counts"]["warning"] == 2 and {p["owner"] for p in data["problems"]} == {CHAPTER_OWNER, STD_OWNER}


def test_link_to_missing_page_and_anchor(capsys, qinghe):
    path = qinghe / CHAPTER
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n见[不存在](no-such.md)和[条文](../laws.md#cpl-999)、[章节](quanli.md#没有这个标题)。\n"
                    "[案例](../cases/2026-001.md)、[法](../laws.md#cpl-20)、[权利](quanli.md#知情权)\n", encoding="utf-8")
    _, report = check_json(capsys, qinghe)
    missing = rules(report, "link.missing")
    anchors = rules(report, "link.anchor")
    n = len(text.split("\n"))
    assert [(p["file"], p["line"]) for p in missing] == [(CHAPTER, n + 1)]
    assert len(anchors) == 2 and all((p["file"], p["line"]) == (CHAPTER, n + 1) for p in anchors)
    assert any("cpl-999" in p["message"] for p in anchors) and any("没有这个标题" in p["message"] for p in anchors)


def test_images_external_missing_heavy_alt(capsys, qinghe):
    folder = qinghe / "content/handbook"
    (folder / "light.png").write_bytes(b"\x89PNG" + b"0" * 100)
    (folder / "heavy.png").write_bytes(b"\x89PNG" + b"0" * 400_000)
    path = qinghe / CHAPTER
    path.write_text(path.read_text(encoding="utf-8") + "\n![](light.png)\n![大图](heavy.png)\n![无](gone.png)\n"
                    "![外链](https://example.com/a.png)\n", encoding="utf-8")
    code, report = check_json(capsys, qinghe)
    [alt] = rules(report, "link.image_alt")
    assert (alt["file"], alt["line"]) == (CHAPTER, line_of(path, "![](light.png)"))
    [heavy] = rules(report, "link.image_heavy")
    assert heavy["line"] == line_of(path, "heavy.png") and "KB" in heavy["message"]
    [gone] = rules(report, "link.image_missing")
    assert gone["line"] == line_of(path, "gone.png")
    [ext] = rules(report, "link.external")
    assert ext["line"] == line_of(path, "https://example.com/a.png") and code == 1


def test_duplicate_event_title(capsys, qinghe):
    title = yaml.safe_load((qinghe / "data/events/2025-001.yml").read_text(encoding="utf-8"))["title"]
    rel = "data/events/2025-002.yml"
    path = qinghe / rel
    old = yaml.safe_load(path.read_text(encoding="utf-8"))["title"]
    edit(path, f"title: {old}", f"title: {title}")
    _, report = check_json(capsys, qinghe)
    [p] = rules(report, "ref.duplicate_title")
    assert (p["file"], p["line"]) == (rel, line_of(path, "title:"))
    assert "data/events/2025-001.yml" in p["message"]


def test_personal_data_in_a_case_is_an_error_with_masked_text(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "同样的故障再次出现，", "同样的故障再次出现，消费者赵先生（电话138 1234 5678）")
    code, report = check_json(capsys, qinghe)
    [p] = rules(report, "pii.mobile")
    assert (p["file"], p["field"]) == (CASE, "summary")
    assert p["line"] == line_of(path, "138 1234 5678")
    assert "13812345678" not in p["message"] and "138 1234 5678" not in p["message"]
    assert "pii_allow" in p["message"] and code == 1


def test_name_in_a_chapter_body(capsys, qinghe):
    path = qinghe / CHAPTER
    edit(path, "## ", "消费者张伟表示办卡后门店关闭。\n\n## ")
    _, report = check_json(capsys, qinghe)
    [p] = rules(report, "pii.name")
    assert (p["file"], p["line"], p["field"]) == (CHAPTER, line_of(path, "表示办卡后"), "body")
    assert "张伟" not in p["message"]


def test_pii_allow_accepts_one_record_only(capsys, qinghe):
    path = qinghe / CASE
    other = qinghe / "data/cases/2025-001.yml"
    edit(path, "同样的故障再次出现，", "同样的故障再次出现，商户售后专线0571-88886666，")
    _, report = check_json(capsys, qinghe)
    [p] = rules(report, "pii.landline")
    assert p["file"] == CASE
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "pii_allow:\n  - text: 0571-88886666\n    reason: 厂家公开的售后服务电话，不是个人号码\n", encoding="utf-8")
    _, report = check_json(capsys, qinghe)
    assert rules(report, "pii.landline") == []
    # the entry is that record's: the same number in another case is still found
    edit(other, "于是当场向维权站反映，", "于是当场拨打0571-88886666反映，")
    _, report = check_json(capsys, qinghe)
    [p] = rules(report, "pii.landline")
    assert (p["file"], p["line"]) == ("data/cases/2025-001.yml", line_of(other, "0571-88886666"))


def test_anonymized_forms_pass(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "同样的故障再次出现，", "同样的故障再次出现，王女士、李某某与某服装店店员张某均表示周末金额无误，")
    _, report = check_json(capsys, qinghe)
    assert [p for p in report["problems"] if p["rule"].startswith("pii.")] == []
    assert report["problems"] == []
