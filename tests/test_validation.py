"""One broken fixture per validation rule: rule, file, line and a message with the fix."""
from __future__ import annotations

import pytest

from conftest import check_json, edit, line_of

CASE = "data/cases/2024-002.yml"
EVENT = "data/events/2025-001.yml"
STD = "data/standards/std-01.yml"
CHAPTER = "content/handbook/prepaid-cards.md"


def only(report: dict, rule: str) -> list[dict]:
    return [p for p in report["problems"] if p["rule"] == rule]


def test_sample_project_is_clean(capsys, project):
    code, report = check_json(capsys, project)
    errors = [p for p in report["problems"] if p["level"] == "error"]
    assert errors == []
    assert code == 0


def test_duplicate_key(capsys, project):
    path = project / CASE
    edit(path, "nature: 售后服务\n", "nature: 售后服务\nnature: 质量\n")
    code, report = check_json(capsys, project)
    assert code == 1
    [p] = only(report, "schema.duplicate_key")
    assert (p["file"], p["line"], p["field"]) == (CASE, line_of(path, "nature:", 2), "nature")
    assert "重复" in p["message"] and "请删除其中一个" in p["message"]


def test_impossible_date(capsys, project):
    path = project / CASE
    edit(path, "closed: 2024-03-19", "closed: 2024-02-30")
    code, report = check_json(capsys, project)
    [p] = only(report, "schema.date")
    assert (p["file"], p["line"], p["field"]) == (CASE, line_of(path, "closed:"), "closed")
    assert "2024-02-30" in p["message"] and "YYYY-MM-DD" in p["message"]
    assert code == 1


def test_closed_before_received(capsys, project):
    path = project / CASE
    edit(path, "closed: 2024-03-19", "closed: 2024-03-01")
    _, report = check_json(capsys, project)
    [p] = only(report, "schema.date_order")
    assert (p["line"], p["field"]) == (line_of(path, "closed:"), "closed")
    assert "早于受理日期" in p["message"]


def test_dangling_law_id(capsys, project):
    path = project / CASE
    edit(path, "laws: [cpl-23, cpl-24, sanbao-repair]", "laws: [cpl-23, cpl-99, sanbao-repair]")
    code, report = check_json(capsys, project)
    [p] = only(report, "ref.law")
    assert (p["file"], p["line"], p["field"]) == (CASE, line_of(path, "laws:"), "laws[1]")
    assert "cpl-99" in p["message"] and "data/laws.yml" in p["message"]
    assert code == 1


def test_dangling_related_case(capsys, project):
    path = project / CASE
    edit(path, "related: [2025-001]", "related: [2025-999]")
    _, report = check_json(capsys, project)
    [p] = only(report, "ref.case")
    assert (p["line"], p["field"]) == (line_of(path, "related:"), "related[0]")
    assert "2025-999" in p["message"]


def test_unknown_category(capsys, project):
    path = project / CASE
    edit(path, "sector: 家用电器", "sector: 家电")
    _, report = check_json(capsys, project)
    [p] = only(report, "ref.category")
    assert (p["line"], p["field"]) == (line_of(path, "sector:"), "sector")
    assert "家电" in p["message"] and "家用电器" in p["message"]


def test_missing_field(capsys, project):
    path = project / CASE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("outcome: 调解成功\n", ""), encoding="utf-8")
    _, report = check_json(capsys, project)
    [p] = only(report, "schema.missing")
    assert (p["file"], p["field"]) == (CASE, "outcome")
    assert "缺少必填字段" in p["message"]


def test_unknown_field(capsys, project):
    path = project / CASE
    edit(path, "outcome: 调解成功\n", "outcome: 调解成功\noutcom: 调解成功\n")
    _, report = check_json(capsys, project)
    [p] = only(report, "schema.unknown_field")
    assert (p["line"], p["field"]) == (line_of(path, "outcom:"), "outcom")


def test_wrong_type_amount(capsys, project):
    path = project / CASE
    edit(path, "amount_recovered: 3299", "amount_recovered: 三千元")
    _, report = check_json(capsys, project)
    [p] = only(report, "schema.type")
    assert (p["line"], p["field"]) == (line_of(path, "amount_recovered"), "amount_recovered")
    assert "金额" in p["message"]


def test_strings_are_not_coerced(capsys, project):
    """`title: no` is the word no, not False; `version: 1.10` stays 1.10."""
    path = project / STD
    text = path.read_text(encoding="utf-8")
    import re

    text = re.sub(r'^version: .*$', "version: 1.10", text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")
    code, report = check_json(capsys, project)
    assert [p for p in report["problems"] if p["file"] == STD and p["level"] == "error"] == []
    from rightsite.load import load_project

    assert load_project(project).standards["std-01"].record.version == "1.10"


def test_id_differs_from_file_name(capsys, project):
    path = project / CASE
    edit(path, "id: 2024-002", "id: 2024-020")
    _, report = check_json(capsys, project)
    [p] = only(report, "schema.id")
    assert (p["line"], p["field"]) == (line_of(path, "id:"), "id")
    assert "文件名" in p["message"]


def test_event_end_before_start(capsys, project):
    path = project / EVENT
    edit(path, "end: 2025-01-18T16:00:00+08:00", "end: 2025-01-18T13:00:00+08:00")
    _, report = check_json(capsys, project)
    [p] = only(report, "schema.date_order")
    assert (p["file"], p["line"], p["field"]) == (EVENT, line_of(path, "end:"), "end")


def test_event_time_needs_zone(capsys, project):
    path = project / EVENT
    edit(path, "end: 2025-01-18T16:00:00+08:00", "end: 2025-01-18T16:00:00")
    _, report = check_json(capsys, project)
    [p] = only(report, "schema.date")
    assert (p["line"], p["field"]) == (line_of(path, "end:"), "end")
    assert "时区" in p["message"]


def test_event_bad_status(capsys, project):
    path = project / EVENT
    edit(path, "status: held", "status: done")
    _, report = check_json(capsys, project)
    [p] = [p for p in only(report, "schema.type") if p["field"] == "status"]
    assert p["line"] == line_of(path, "status:")
    assert "planned" in p["message"]


def test_recap_only_when_held(capsys, project):
    path = project / EVENT
    edit(path, "status: held", "status: planned")
    _, report = check_json(capsys, project)
    [p] = only(report, "schema.recap")
    assert (p["line"], p["field"]) == (line_of(path, "recap:"), "recap")


def test_clause_level(capsys, project):
    path = project / STD
    edit(path, "level: 必须", "level: 必需")
    _, report = check_json(capsys, project)
    [p] = [p for p in report["problems"] if p["field"].endswith(".level")]
    assert p["line"] == line_of(path, "level: 必需")
    assert "必须" in p["message"] and "建议" in p["message"]


def test_yaml_syntax_error(capsys, project):
    path = project / CASE
    edit(path, "laws: [cpl-23, cpl-24, sanbao-repair]", "laws: [cpl-23, cpl-24, sanbao-repair")
    code, report = check_json(capsys, project)
    [p] = only(report, "schema.yaml")
    assert p["file"] == CASE and abs(p["line"] - line_of(path, "laws:")) <= 1
    assert code == 1


def test_chapter_front_matter_broken(capsys, project):
    """MkDocs alone would publish broken front matter as text; we refuse it."""
    path = project / CHAPTER
    edit(path, "order: 4\n", "order: 4\nowner 宣传组\n")
    code, report = check_json(capsys, project)
    [p] = only(report, "schema.yaml")
    assert p["file"] == CHAPTER and p["line"] in (3, 4, 5)
    assert code == 1


def test_chapter_front_matter_missing(capsys, project):
    path = project / CHAPTER
    text = path.read_text(encoding="utf-8")
    path.write_text(text.split("---", 2)[2], encoding="utf-8")
    _, report = check_json(capsys, project)
    [p] = only(report, "schema.front_matter")
    assert (p["file"], p["line"]) == (CHAPTER, 1)


def test_chapter_front_matter_bad_date(capsys, project):
    path = project / CHAPTER
    edit(path, "reviewed: 2026-06-18", "reviewed: 2026-06-31")
    _, report = check_json(capsys, project)
    [p] = only(report, "schema.date")
    assert (p["file"], p["line"], p["field"]) == (CHAPTER, line_of(path, "reviewed:"), "reviewed")


def test_placeholder_left(capsys, project):
    path = project / CASE
    edit(path, "title: ", "title: 【请填写】")
    _, report = check_json(capsys, project)
    [p] = only(report, "schema.placeholder")
    assert (p["line"], p["field"]) == (line_of(path, "title:"), "title")


def test_all_problems_reported_at_once(capsys, project):
    edit(project / CASE, "closed: 2024-03-19", "closed: 2024-02-30")
    edit(project / EVENT, "status: held", "status: done")
    edit(project / CHAPTER, "reviewed: 2026-06-18", "reviewed: 2026-13-01")
    code, report = check_json(capsys, project)
    files = {p["file"] for p in report["problems"] if p["level"] == "error"}
    assert {CASE, EVENT, CHAPTER} <= files
    assert report["counts"]["error"] >= 3 and code == 1


def test_text_output_names_file_and_line(capsys, project):
    from conftest import run_cli

    path = project / CASE
    edit(path, "closed: 2024-03-19", "closed: 2024-02-30")
    code, out, err = run_cli(capsys, "--root", str(project), "check", "--today", "2026-11-25")
    assert code == 1
    assert f"{CASE}:{line_of(path, 'closed:')}: 错误 error [schema.date] closed:" in out
    assert "Traceback" not in out + err


def test_bad_flag_exits_2(capsys, project):
    from conftest import run_cli

    with pytest.raises(SystemExit) as exc:
        run_cli(capsys, "--root", str(project), "check", "--today", "2026-02-30")
    assert exc.value.code == 2


def test_yaml_aliases_refused_without_recursion(capsys, project):
    path = project / CASE
    edit(path, "related: [2025-001]", "related: &a [*a]")
    code, report = check_json(capsys, project)
    [p] = [p for p in only(report, "schema.yaml") if "别名" in p["message"]]
    assert (p["file"], p["line"]) == (CASE, line_of(path, "related:")) and code == 1


def test_symlink_out_of_the_project_is_refused(capsys, project, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: x\norder: 99\nowner: x\nreviewed: 2026-01-01\n---\n机密\n", encoding="utf-8")
    (project / "content/handbook/leak.md").symlink_to(secret)
    code, report = check_json(capsys, project)
    [p] = [p for p in only(report, "schema.file") if p["file"] == "content/handbook/leak.md"]
    assert "symlink" in p["message"] and code == 1


def test_channel_value_must_fit_its_kind(capsys, project):
    path = project / "data/site.yml"
    edit(path, "value: https://www.chengjianghui.example/feedback", "value: javascript:alert(1)")
    code, report = check_json(capsys, project)
    [p] = [p for p in report["problems"] if p["file"] == "data/site.yml" and p["level"] == "error"]
    assert p["field"].startswith("channels[2]") and "https://" in p["message"] and code == 1


def test_event_held_before_it_started(capsys, project):
    path = project / "data/events/2027-003.yml"
    edit(path, "status: planned", "status: held")
    _, report = check_json(capsys, project)
    [p] = only(report, "schema.status")
    assert (p["file"], p["line"]) == ("data/events/2027-003.yml", line_of(path, "status:"))


def test_report_words_are_scanned_for_personal_data(capsys, project):
    path = project / "data/reports/2025.yml"
    edit(path, "suggestions:\n", "suggestions:\n  - 有问题请联系值班经理王建国先生，电话13800138000。\n")
    _, report = check_json(capsys, project)
    found = {p["rule"] for p in report["problems"] if p["file"] == "data/reports/2025.yml"}
    assert {"pii.mobile", "pii.name"} <= found


def test_laws_file_must_be_a_mapping(capsys, project):
    (project / "data/laws.yml").write_text("- id: cpl-24\n", encoding="utf-8")
    code, report = check_json(capsys, project)
    assert any(p["file"] == "data/laws.yml" and "laws:" in p["message"] for p in report["problems"]) and code == 1


def test_outside_a_project_exits_2(capsys, tmp_path, monkeypatch):
    from conftest import run_cli

    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "new", "case")
    assert code == 2 and "rightsite" in err and not (tmp_path / "data").exists()


def test_three_breakages_in_one_case_all_named_without_cascade(capsys, project):
    """The issue's own scenario: a duplicate key, a bad date and a dangling law id in one file."""
    path = project / CASE
    edit(path, "nature: 售后服务\n", "nature: 售后服务\nnature: 质量\n")
    edit(path, "closed: 2024-03-19", "closed: 2024-02-30")
    edit(path, "laws: [cpl-23, cpl-24, sanbao-repair]", "laws: [cpl-23, cpl-999, sanbao-repair]")
    code, report = check_json(capsys, project)
    got = {(p["rule"], p["file"], p["line"], p["field"]) for p in report["problems"] if p["level"] == "error"}
    assert got == {
        ("schema.duplicate_key", CASE, line_of(path, "nature:", 2), "nature"),
        ("schema.date", CASE, line_of(path, "closed:"), "closed"),
        ("ref.law", CASE, line_of(path, "laws:"), "laws[1]"),
    }
    assert code == 1


def test_unknown_figure_placeholder_in_report_words(capsys, project):
    path = project / "data/reports/2025.yml"
    edit(path, "  - 7日内办结率{complaints.closed_within_7d.share}", "  - 7日内办结率{complaints.closed_within_7days}")
    code, report = check_json(capsys, project)
    [p] = only(report, "ref.figure")
    assert (p["file"], p["line"], p["field"]) == ("data/reports/2025.yml", line_of(path, "closed_within_7days"),
                                                  "highlights.2")
    assert code == 1
