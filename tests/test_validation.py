"""One broken fixture per validation rule: rule, file, line and a message with the fix.

Every test breaks a fresh copy of a frozen fixture project (tests/fixtures/qinghe, 青禾里生活广场, or
tests/fixtures/nanyu, 南屿湾购物公园) and expects values of that fixture; the live sample is only
smoke-checked (it must check clean), never asserted on.
"""
from __future__ import annotations

import re

import pytest
import yaml

from conftest import FIXTURE_NAMES, FIXTURES, check_json, edit, fixture_project, line_of, run_cli

# qinghe (青禾里生活广场)
CASE = "data/cases/2026-001.yml"  # 理发店未标价头皮护理项目：three laws, related [2025-001]
EVENT = "data/events/2025-001.yml"  # 2025年“3·15”宣传咨询日: held, with a recap
STD = "data/standards/std-01.yml"
CHAPTER = "content/handbook/mingma-biaojia.md"
REPORT = "data/reports/2025.yml"


def only(report: dict, rule: str) -> list[dict]:
    return [p for p in report["problems"] if p["rule"] == rule]


def errors(report: dict) -> list[dict]:
    return [p for p in report["problems"] if p["level"] == "error"]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_project_is_clean_strict(capsys, tmp_path, name):
    root = fixture_project(name, tmp_path / name)
    code, report = check_json(capsys, root, "--strict")
    assert report["problems"] == []
    assert report["counts"] == {"error": 0, "warning": 0}
    assert code == 0


def test_sample_project_is_clean(capsys, sample_project):
    """Smoke check of the live sample: whatever the editors wrote, it must have no error."""
    code, report = check_json(capsys, sample_project)
    assert errors(report) == []
    assert code == 0


def test_duplicate_key(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "nature: 价格收费\n", "nature: 价格收费\nnature: 质量\n")
    code, report = check_json(capsys, qinghe)
    assert code == 1
    [p] = only(report, "schema.duplicate_key")
    assert (p["file"], p["line"], p["field"]) == (CASE, line_of(path, "nature:", 2), "nature")
    assert "重复" in p["message"] and "请删除其中一个" in p["message"]


def test_impossible_date(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "closed: 2026-03-12", "closed: 2026-02-30")
    code, report = check_json(capsys, qinghe)
    [p] = only(report, "schema.date")
    assert (p["file"], p["line"], p["field"]) == (CASE, line_of(path, "closed:"), "closed")
    assert "2026-02-30" in p["message"] and "YYYY-MM-DD" in p["message"]
    assert code == 1


def test_closed_before_received(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "closed: 2026-03-12", "closed: 2026-03-01")
    _, report = check_json(capsys, qinghe)
    [p] = only(report, "schema.date_order")
    assert (p["file"], p["line"], p["field"]) == (CASE, line_of(path, "closed:"), "closed")
    assert "早于受理日期" in p["message"]
    assert "2026-03-01" in p["message"] and "2026-03-09" in p["message"]


def test_dangling_law_id(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "laws: [cpl-20, price-5, price-8]", "laws: [cpl-20, cpl-99, price-8]")
    code, report = check_json(capsys, qinghe)
    [p] = only(report, "ref.law")
    assert (p["file"], p["line"], p["field"]) == (CASE, line_of(path, "laws:"), "laws[1]")
    assert "cpl-99" in p["message"] and "data/laws.yml" in p["message"]
    assert code == 1


def test_dangling_related_case(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "related: [2025-001]", "related: [2025-999]")
    _, report = check_json(capsys, qinghe)
    [p] = only(report, "ref.case")
    assert (p["file"], p["line"], p["field"]) == (CASE, line_of(path, "related:"), "related[0]")
    assert "2025-999" in p["message"]


def test_unknown_category(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "sector: 理发美容", "sector: 美发")
    _, report = check_json(capsys, qinghe)
    [p] = only(report, "ref.category")
    assert (p["file"], p["line"], p["field"]) == (CASE, line_of(path, "sector:"), "sector")
    assert "“美发”" in p["message"] and "理发美容" in p["message"]
    sectors = [s["name"] for s in yaml.safe_load((FIXTURES / "qinghe/data/categories.yml").read_text("utf-8"))["sectors"]]
    assert f"可选：{'、'.join(sorted(sectors))}。" in p["message"]


def test_missing_field(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "outcome: 达成和解\n", "")
    _, report = check_json(capsys, qinghe)
    [p] = only(report, "schema.missing")
    assert (p["file"], p["field"]) == (CASE, "outcome")
    assert "缺少必填字段" in p["message"]


def test_unknown_field(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "outcome: 达成和解\n", "outcome: 达成和解\noutcom: 达成和解\n")
    _, report = check_json(capsys, qinghe)
    [p] = only(report, "schema.unknown_field")
    assert (p["file"], p["line"], p["field"]) == (CASE, line_of(path, "outcom:"), "outcom")


def test_wrong_type_amount(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "amount_recovered: 120", "amount_recovered: 一百二十元")
    _, report = check_json(capsys, qinghe)
    [p] = only(report, "schema.type")
    assert (p["file"], p["line"], p["field"]) == (CASE, line_of(path, "amount_recovered"), "amount_recovered")
    assert "金额" in p["message"]


def test_strings_are_not_coerced(capsys, qinghe):
    """`title: no` is the word no, not False; `version: 1.10` stays 1.10."""
    path = qinghe / STD
    edit(path, 'version: "1.0"', "version: 1.10")
    edit(path, "title: 场内商户投诉处理与售后服务规范", "title: no")
    assert re.search(r"^version: 1\.10$", path.read_text(encoding="utf-8"), re.M)
    code, report = check_json(capsys, qinghe)
    assert [p for p in report["problems"] if p["file"] == STD and p["level"] == "error"] == []
    from rightsite.load import load_project

    record = load_project(qinghe).standards["std-01"].record
    assert record.version == "1.10"
    assert record.title == "no"


def test_id_differs_from_file_name(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "id: 2026-001", "id: 2026-010")
    _, report = check_json(capsys, qinghe)
    [p] = only(report, "schema.id")
    assert (p["file"], p["line"], p["field"]) == (CASE, line_of(path, "id:"), "id")
    assert "文件名" in p["message"]


def test_event_end_before_start(capsys, qinghe):
    path = qinghe / EVENT
    edit(path, "end: 2025-03-15T16:30:00+08:00", "end: 2025-03-15T09:00:00+08:00")
    _, report = check_json(capsys, qinghe)
    [p] = only(report, "schema.date_order")
    assert (p["file"], p["line"], p["field"]) == (EVENT, line_of(path, "end:"), "end")


def test_event_time_needs_zone(capsys, qinghe):
    path = qinghe / EVENT
    edit(path, "end: 2025-03-15T16:30:00+08:00", "end: 2025-03-15T16:30:00")
    _, report = check_json(capsys, qinghe)
    [p] = only(report, "schema.date")
    assert (p["file"], p["line"], p["field"]) == (EVENT, line_of(path, "end:"), "end")
    assert "时区" in p["message"]


def test_event_bad_status(capsys, qinghe):
    path = qinghe / EVENT
    edit(path, "status: held", "status: done")
    _, report = check_json(capsys, qinghe)
    [p] = [p for p in only(report, "schema.type") if p["field"] == "status"]
    assert (p["file"], p["line"]) == (EVENT, line_of(path, "status:"))
    assert "planned" in p["message"]


def test_recap_only_when_held(capsys, qinghe):
    path = qinghe / EVENT
    edit(path, "status: held", "status: planned")
    _, report = check_json(capsys, qinghe)
    [p] = only(report, "schema.recap")
    assert (p["file"], p["line"], p["field"]) == (EVENT, line_of(path, "recap:"), "recap")


def test_clause_level(capsys, qinghe):
    path = qinghe / STD
    edit(path, "level: 必须", "level: 必需")  # clause 1
    _, report = check_json(capsys, qinghe)
    [p] = [p for p in report["problems"] if p["field"].endswith(".level")]
    assert (p["file"], p["line"]) == (STD, line_of(path, "level: 必需"))
    assert "必须" in p["message"] and "建议" in p["message"]


def test_yaml_syntax_error(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "laws: [cpl-20, price-5, price-8]", "laws: [cpl-20, price-5, price-8")
    code, report = check_json(capsys, qinghe)
    [p] = only(report, "schema.yaml")
    assert (p["file"], p["line"]) == (CASE, line_of(path, "laws:"))  # where the bracket opens
    assert p["message"].startswith("从这一行开始的括号没有闭合：缺少“]”")
    assert code == 1


def test_chapter_front_matter_broken(capsys, qinghe):
    """MkDocs alone would publish broken front matter as text; we refuse it."""
    path = qinghe / CHAPTER
    edit(path, "order: 3\n", "order: 3\nowner 招商部\n")
    code, report = check_json(capsys, qinghe)
    [p] = only(report, "schema.yaml")
    assert (p["file"], p["line"]) == (CHAPTER, line_of(path, "owner 招商部"))  # the line missing its colon
    assert p["message"].startswith("这一行缺少冒号")
    assert code == 1


def test_chapter_front_matter_missing(capsys, qinghe):
    path = qinghe / CHAPTER
    text = path.read_text(encoding="utf-8")
    path.write_text(text.split("---", 2)[2], encoding="utf-8")
    _, report = check_json(capsys, qinghe)
    [p] = only(report, "schema.front_matter")
    assert (p["file"], p["line"]) == (CHAPTER, 1)


def test_chapter_front_matter_bad_date(capsys, qinghe):
    path = qinghe / CHAPTER
    edit(path, "reviewed: 2026-09-01", "reviewed: 2026-09-31")
    _, report = check_json(capsys, qinghe)
    [p] = only(report, "schema.date")
    assert (p["file"], p["line"], p["field"]) == (CHAPTER, line_of(path, "reviewed:"), "reviewed")


def test_placeholder_left(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "title: ", "title: 【请填写】")
    _, report = check_json(capsys, qinghe)
    [p] = only(report, "schema.placeholder")
    assert (p["file"], p["line"], p["field"]) == (CASE, line_of(path, "title:"), "title")


def test_all_problems_reported_at_once(capsys, qinghe):
    edit(qinghe / CASE, "closed: 2026-03-12", "closed: 2026-02-30")
    edit(qinghe / EVENT, "status: held", "status: done")
    edit(qinghe / CHAPTER, "reviewed: 2026-09-01", "reviewed: 2026-13-01")
    code, report = check_json(capsys, qinghe)
    files = {p["file"] for p in errors(report)}
    assert {CASE, EVENT, CHAPTER} <= files
    assert report["counts"]["error"] >= 3 and code == 1


def test_text_output_names_file_and_line(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "closed: 2026-03-12", "closed: 2026-02-30")
    code, out, err = run_cli(capsys, "--root", str(qinghe), "check", "--today", "2026-11-25")
    assert code == 1
    assert f"{CASE}:{line_of(path, 'closed:')}: 错误 error [schema.date] closed:" in out
    assert "Traceback" not in out + err


def test_bad_flag_exits_2(capsys, qinghe):
    with pytest.raises(SystemExit) as exc:
        run_cli(capsys, "--root", str(qinghe), "check", "--today", "2026-02-30")
    assert exc.value.code == 2


def test_yaml_aliases_refused_without_recursion(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "related: [2025-001]", "related: &a [*a]")
    code, report = check_json(capsys, qinghe)
    [p] = [p for p in only(report, "schema.yaml") if "别名" in p["message"]]
    assert (p["file"], p["line"]) == (CASE, line_of(path, "related:")) and code == 1


def test_symlink_out_of_the_project_is_refused(capsys, qinghe, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: x\norder: 99\nowner: x\nreviewed: 2026-01-01\n---\n机密\n", encoding="utf-8")
    (qinghe / "content/handbook/leak.md").symlink_to(secret)
    code, report = check_json(capsys, qinghe)
    [p] = [p for p in only(report, "schema.file") if p["file"] == "content/handbook/leak.md"]
    assert "symlink" in p["message"] and code == 1


def test_channel_value_must_fit_its_kind(capsys, nanyu):
    """nanyu's channels[3] is its online form (网上意见箱): its value becomes an https: link."""
    path = nanyu / "data/site.yml"
    edit(path, "value: https://www.nanyu-park.example/service/feedback", "value: javascript:alert(1)")
    code, report = check_json(capsys, nanyu)
    [p] = [p for p in report["problems"] if p["file"] == "data/site.yml" and p["level"] == "error"]
    assert p["field"].startswith("channels[3]") and "https://" in p["message"] and code == 1


def test_event_held_before_it_started(capsys, qinghe):
    rel = "data/events/2026-002.yml"  # planned for 2026-12-12, after TODAY
    path = qinghe / rel
    edit(path, "status: planned", "status: held")
    _, report = check_json(capsys, qinghe)
    [p] = only(report, "schema.status")
    assert (p["file"], p["line"], p["field"]) == (rel, line_of(path, "status:"), "status")
    assert "2026-12-12" in p["message"]


def test_report_words_are_scanned_for_personal_data(capsys, qinghe):
    path = qinghe / REPORT
    edit(path, "suggestions:\n", "suggestions:\n  - 有问题请联系值班经理王建国先生，电话13800138000。\n")
    _, report = check_json(capsys, qinghe)
    found = {p["rule"] for p in report["problems"] if p["file"] == REPORT}
    assert {"pii.mobile", "pii.name"} <= found


def test_laws_file_must_be_a_mapping(capsys, qinghe):
    (qinghe / "data/laws.yml").write_text("- id: cpl-24\n", encoding="utf-8")
    code, report = check_json(capsys, qinghe)
    assert any(p["file"] == "data/laws.yml" and "laws:" in p["message"] for p in report["problems"]) and code == 1


def test_outside_a_project_exits_2(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "new", "case")
    assert code == 2 and "rightsite" in err and not (tmp_path / "data").exists()


def test_three_breakages_in_one_case_all_named_without_cascade(capsys, qinghe):
    """The issue's own scenario: a duplicate key, a bad date and a dangling law id in one file."""
    path = qinghe / CASE
    edit(path, "nature: 价格收费\n", "nature: 价格收费\nnature: 质量\n")
    edit(path, "closed: 2026-03-12", "closed: 2026-02-30")
    edit(path, "laws: [cpl-20, price-5, price-8]", "laws: [cpl-20, cpl-999, price-8]")
    code, report = check_json(capsys, qinghe)
    got = {(p["rule"], p["file"], p["line"], p["field"]) for p in errors(report)}
    assert got == {
        ("schema.duplicate_key", CASE, line_of(path, "nature:", 2), "nature"),
        ("schema.date", CASE, line_of(path, "closed:"), "closed"),
        ("ref.law", CASE, line_of(path, "laws:"), "laws[1]"),
    }
    assert code == 1


def test_unknown_figure_placeholder_in_report_words(capsys, qinghe):
    path = qinghe / REPORT
    edit(path, "7日内办结率{complaints.closed_within_7d.share}", "7日内办结率{complaints.closed_within_7days}")
    code, report = check_json(capsys, qinghe)
    [p] = only(report, "ref.figure")
    assert (p["file"], p["line"], p["field"]) == (REPORT, line_of(path, "closed_within_7days"), "highlights.1")
    assert "complaints.closed_within_7days" in p["message"]
    assert code == 1


# ---- one wrong field hides nothing else --------------------------------------------------------
def test_a_bad_required_date_does_not_hide_personal_data_or_references(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "received: 2026-03-09", "received: 2026-02-30")
    edit(path, "消费者周女士在商场", "消费者周女士（电话13912345678）在商场")
    edit(path, "laws: [cpl-20, price-5, price-8]", "laws: [cpl-20, price-5, price-999]")
    code, report = check_json(capsys, qinghe)
    found = [(p["rule"], p["line"], p["field"]) for p in report["problems"] if p["file"] == CASE]
    assert code == 1 and found == [
        ("schema.date", line_of(path, "received:"), "received"),
        ("pii.mobile", line_of(path, "13912345678"), "summary"),
        ("ref.law", line_of(path, "laws:"), "laws[2]"),
    ]
    [pii] = only(report, "pii.mobile")
    assert "139****5678" in pii["message"] and "13912345678" not in pii["message"]


def test_an_unknown_field_does_not_hide_the_date_order_or_personal_data(capsys, qinghe):
    path = qinghe / CASE
    edit(path, "closed: 2026-03-12", "closed: 2026-03-01\nphone_note: 周女士手机13912345678")
    code, report = check_json(capsys, qinghe)
    found = [(p["rule"], p["line"], p["field"]) for p in report["problems"] if p["file"] == CASE]
    note = line_of(path, "phone_note:")
    assert code == 1 and sorted(found) == sorted([
        ("schema.unknown_field", note, "phone_note"),
        ("pii.mobile", note, "phone_note"),
        ("schema.date_order", line_of(path, "closed:"), "closed"),
    ])
