"""Staleness and integrity rules: each with a fixture that triggers it and a look-alike that does not."""
from __future__ import annotations

import json
import subprocess

from conftest import check_json, edit, line_of, run_cli

CHAPTER = "content/handbook/prepaid-cards.md"


def rules(report: dict, rule: str) -> list[dict]:
    return [p for p in report["problems"] if p["rule"] == rule]


def test_chapter_past_review_is_a_warning_and_strict_fails(capsys, project):
    edit(project / CHAPTER, "reviewed: 2026-06-18", "reviewed: 2025-06-18")
    code, report = check_json(capsys, project)
    [p] = rules(report, "stale.chapter")
    assert p["level"] == "warning" and code == 0
    assert (p["file"], p["line"], p["owner"]) == (CHAPTER, line_of(project / CHAPTER, "reviewed:"), "宣传组")
    assert "2026-06-18" in p["message"]  # due date = since when
    code, _ = check_json(capsys, project, "--strict")
    assert code == 1


def test_chapter_review_months_override(capsys, project):
    edit(project / CHAPTER, "reviewed: 2026-06-18", "reviewed: 2026-06-18\nreview_months: 3")
    _, report = check_json(capsys, project)
    assert len(rules(report, "stale.chapter")) == 1


def test_chapter_without_date_uses_git_or_says_unknown(capsys, project):
    text = (project / CHAPTER).read_text(encoding="utf-8")
    (project / CHAPTER).write_text(text.replace("reviewed: 2026-06-18\n", ""), encoding="utf-8")
    _, report = check_json(capsys, project)  # the copy is not a git repository
    [p] = rules(report, "stale.unknown")
    assert p["file"] == CHAPTER and "reviewed" in p["message"]
    # with history: falls back to the commit date
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    env = {"GIT_AUTHOR_DATE": "2024-01-02T10:00:00+08:00", "GIT_COMMITTER_DATE": "2024-01-02T10:00:00+08:00",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e",
           "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "commit", "-qm", "x"], cwd=project, check=True, env=env)
    from rightsite.gitdates import git_dates

    git_dates.cache_clear()
    _, report = check_json(capsys, project)
    [p] = rules(report, "stale.chapter")
    assert "2024-01-02" in p["message"] and "git" in p["message"]


def test_standard_past_review(capsys, project):
    edit(project / "data/standards/std-01.yml", "review_by: 2027-06-30", "review_by: 2026-11-01")
    _, report = check_json(capsys, project)
    [p] = rules(report, "stale.standard")
    assert p["owner"] == "商户管理部" and "2026-11-01" in p["message"]


def test_planned_event_in_the_past(capsys, project):
    path = project / "data/events/2026-007.yml"
    _, report = check_json(capsys, project)
    assert rules(report, "stale.event") == []
    code, out, _ = run_cli(capsys, "--root", str(project), "check", "--today", "2026-12-11", "--format", "json")
    [p] = rules(json.loads(out), "stale.event")
    assert p["file"] == "data/events/2026-007.yml" and p["line"] == line_of(path, "status:")


def test_held_event_without_recap(capsys, project):
    path = project / "data/events/2026-005.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("recap:")], encoding="utf-8")
    _, report = check_json(capsys, project)
    [p] = rules(report, "stale.recap")
    assert p["file"] == "data/events/2026-005.yml"


def test_repealed_law_lists_every_citing_record(capsys, project):
    laws = project / "data/laws.yml"
    text = laws.read_text(encoding="utf-8")
    start = text.index("- id: cpl-24")
    at = text.index("repealed:", start)
    laws.write_text(text[:at] + "repealed: 2026-01-01" + text[at + len("repealed:"):], encoding="utf-8")
    _, report = check_json(capsys, project)
    found = rules(report, "stale.law")
    files = {p["file"] for p in found}
    assert "content/handbook/returns-and-sanbao.md" in files and "data/cases/2024-002.yml" in files
    assert all("cpl-24" in p["message"] for p in found)


def test_channel_not_verified(capsys, project):
    edit(project / "data/site.yml", "verified: 2026-09-20", "verified: 2026-01-20")
    _, report = check_json(capsys, project)
    [p] = rules(report, "stale.channel")
    assert p["field"] == "channels[2].verified" and "在线留言" in p["message"]


def test_case_not_reviewed_for_three_years(capsys, project):
    edit(project / "data/cases/2024-002.yml", "reviewed: 2025-02-10", "reviewed: 2024-03-20")
    code, out, _ = run_cli(capsys, "--root", str(project), "check", "--today", "2027-04-01", "--format", "json")
    [p] = [x for x in rules(json.loads(out), "stale.case") if x["file"] == "data/cases/2024-002.yml"]
    assert "3 年" in p["message"]


def test_stale_report_grouped_by_owner(capsys, project):
    edit(project / CHAPTER, "reviewed: 2026-06-18", "reviewed: 2025-06-18")
    edit(project / "data/standards/std-01.yml", "review_by: 2027-06-30", "review_by: 2026-11-01")
    code, out, _ = run_cli(capsys, "--root", str(project), "stale", "--today", "2026-11-25")
    assert code == 0
    assert "== 宣传组（1 项）==" in out and "== 商户管理部（1 项）==" in out
    assert out.index(CHAPTER) > out.index("== 宣传组")
    code, out, _ = run_cli(capsys, "--root", str(project), "stale", "--today", "2026-11-25", "--format", "json")
    data = json.loads(out)
    assert data["counts"]["warning"] == 2 and {p["owner"] for p in data["problems"]} == {"宣传组", "商户管理部"}


def test_link_to_missing_page_and_anchor(capsys, project):
    path = project / CHAPTER
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n见[不存在](no-such.md)和[条文](../laws.md#cpl-999)、[章节](price-marking.md#没有这个标题)。\n"
                    "[案例](../cases/2024-002.md)、[法](../laws.md#cpl-24)\n", encoding="utf-8")
    _, report = check_json(capsys, project)
    missing = rules(report, "link.missing")
    anchors = rules(report, "link.anchor")
    n = len(text.split("\n"))
    assert [(p["file"], p["line"]) for p in missing] == [(CHAPTER, n + 1)]
    assert len(anchors) == 2 and all(p["line"] == n + 1 for p in anchors)


def test_images_external_missing_heavy_alt(capsys, project):
    folder = project / "content/handbook"
    (folder / "light.png").write_bytes(b"\x89PNG" + b"0" * 100)
    (folder / "heavy.png").write_bytes(b"\x89PNG" + b"0" * 400_000)
    path = project / CHAPTER
    path.write_text(path.read_text(encoding="utf-8") + "\n![](light.png)\n![大图](heavy.png)\n![无](gone.png)\n"
                    "![外链](https://example.com/a.png)\n", encoding="utf-8")
    code, report = check_json(capsys, project)
    assert len(rules(report, "link.image_alt")) == 1
    assert len(rules(report, "link.image_heavy")) == 1 and "KB" in rules(report, "link.image_heavy")[0]["message"]
    assert len(rules(report, "link.image_missing")) == 1
    assert len(rules(report, "link.external")) == 1 and code == 1


def test_duplicate_event_title(capsys, project):
    import yaml

    title = yaml.safe_load((project / "data/events/2025-001.yml").read_text(encoding="utf-8"))["title"]
    path = project / "data/events/2025-004.yml"
    text = path.read_text(encoding="utf-8")
    old = yaml.safe_load(text)["title"]
    path.write_text(text.replace(f"title: {old}", f"title: {title}"), encoding="utf-8")
    _, report = check_json(capsys, project)
    [p] = rules(report, "ref.duplicate_title")
    assert p["file"] == "data/events/2025-004.yml"


def test_personal_data_in_a_case_is_an_error_with_masked_text(capsys, project):
    path = project / "data/cases/2024-002.yml"
    edit(path, "同年3月同一故障再次出现，", "同年3月同一故障再次出现，消费者赵先生（电话138 1234 5678）")
    code, report = check_json(capsys, project)
    [p] = rules(report, "pii.mobile")
    assert (p["file"], p["field"]) == ("data/cases/2024-002.yml", "summary")
    assert p["line"] == line_of(path, "138 1234 5678")
    assert "13812345678" not in p["message"] and "138 1234 5678" not in p["message"]
    assert "pii_allow" in p["message"] and code == 1


def test_name_in_a_chapter_body(capsys, project):
    path = project / CHAPTER
    edit(path, "## ", "消费者张伟表示办卡后门店关闭。\n\n## ")
    _, report = check_json(capsys, project)
    [p] = rules(report, "pii.name")
    assert (p["file"], p["line"], p["field"]) == (CHAPTER, line_of(path, "表示办卡后"), "body")
    assert "张伟" not in p["message"]


def test_pii_allow_accepts_one_record_only(capsys, project):
    path = project / "data/cases/2024-002.yml"
    edit(path, "同年3月同一故障再次出现，", "同年3月同一故障再次出现，商户售后专线0571-88886666，")
    _, report = check_json(capsys, project)
    assert len(rules(report, "pii.landline")) == 1
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "pii_allow:\n  - text: 0571-88886666\n    reason: 厂家公开的售后服务电话，不是个人号码\n", encoding="utf-8")
    _, report = check_json(capsys, project)
    assert rules(report, "pii.landline") == []


def test_anonymized_forms_pass(capsys, project):
    path = project / "data/cases/2024-002.yml"
    edit(path, "同年3月同一故障再次出现，", "同年3月同一故障再次出现，王女士、李某某与某服装店店员张某均表示周末金额无误，")
    _, report = check_json(capsys, project)
    assert [p for p in report["problems"] if p["rule"].startswith("pii.")] == []
