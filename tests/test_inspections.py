"""Quality supervision: inspection records, their checks, the report's supervision figures, the
checklists, and what the public sees (aggregates only; named merchants only when opted in).

Expected values come from the fixtures' own YAML read with PyYAML (an independent count
written here), or are literals of the fixtures (tests/fixtures/*/data/inspections/).
"""
from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE_NAMES, FIXTURES, TODAY, check_json, edit, line_of, run_cli
from test_fixtures import article_text, fixture_yaml, half_up, squash

LEVELS = ("必须", "应当", "建议")
ACTIONS = ("整改", "警告", "处罚", "停业整顿")


def records(name: str) -> list[dict]:
    folder = FIXTURES / name / "data" / "inspections"
    return sorted((yaml.safe_load(p.read_text(encoding="utf-8")) for p in folder.glob("*.yml")),
                  key=lambda r: (r["date"], r["id"]))


def standards(name: str) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((FIXTURES / name / "data" / "standards").glob("*.yml"))}


def merchant_codes(name: str) -> set[str]:
    codes = {r["merchant"]["code"] for r in records(name)}
    listed = (fixture_yaml(name, "data/site.yml").get("merchant_list") or {}).get("merchants", [])
    return codes | {m["code"] for m in listed}


def expected_supervision(name: str, year: int) -> dict:
    """The supervision.* definitions, counted from the YAML without rightsite."""
    recs = records(name)
    stds = standards(name)
    level = {(sid, c["number"]): c["level"] for sid, s in stds.items() for c in s["clauses"]}
    this = [r for r in recs if r["date"].year == year]
    judged = [(r, c) for r in this for c in r["results"] if c["result"] != "不适用"]
    failed = [(r, c) for r, c in judged if c["result"] == "不符合"]

    def deadline(r):
        dates = [a["deadline"] for a in r.get("actions", []) if a["kind"] in ("整改", "停业整顿")]
        return max(dates) if dates else None

    ordered = [r for r in this if deadline(r) and deadline(r).year <= year]
    on_time = [r for r in ordered if r.get("follow_up") and r["follow_up"]["result"] == "已整改"
               and r["follow_up"]["date"] <= deadline(r)]
    repeats = [(r["merchant"]["code"], c["clause"]) for r, c in failed
               if any((e["date"], e["id"]) < (r["date"], r["id"]) and e["merchant"]["code"] == r["merchant"]["code"]
                      and e["standard"] == r["standard"]
                      and any(x["clause"] == c["clause"] and x["result"] == "不符合" for x in e["results"])
                      for e in recs)]
    inspected = sorted({r["standard"] for r in this})
    by_level = Counter(level[(r["standard"], c["clause"])] for r, c in failed)
    return {
        "supervision.inspections": len(this),
        "supervision.inspections.by_standard": {s: sum(r["standard"] == s for r in this) for s in inspected},
        "supervision.merchants": len({r["merchant"]["code"] for r in this}),
        "supervision.passed": sum(all(c["result"] != "不符合" for c in r["results"]) for r in this),
        "supervision.clauses_checked": len(judged),
        "supervision.conformity.share": half_up(Decimal(len(judged) - len(failed)) * 100 / len(judged)),
        "supervision.findings": len(failed),
        "supervision.findings.by_level": {lvl: by_level[lvl] for lvl in LEVELS},
        "supervision.findings.by_standard": {s: sum(r["standard"] == s for r, _ in failed) for s in inspected},
        "supervision.actions.by_kind": {k: sum(a["kind"] == k for r in this for a in r.get("actions", [])) for k in ACTIONS},
        "supervision.rectification.ordered": len(ordered),
        "supervision.rectification.on_time": len(on_time),
        "supervision.rectification.on_time.share": half_up(Decimal(len(on_time)) * 100 / len(ordered)),
        "supervision.repeat_findings": len(repeats),
        "supervision.repeat_merchants": len({m for m, _ in repeats}),
    }


def report_json(capsys, root: Path, year: int) -> dict:
    code, out, err = run_cli(capsys, "--root", str(root), "report", str(year), "--format", "json")
    assert code == 0, err
    return json.loads(out)


# ---- the report's figures --------------------------------------------------------------

@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_report_json_gives_supervision_figures_equal_to_an_independent_count(capsys, name, tmp_path):
    from conftest import fixture_project

    root = fixture_project(name, tmp_path / name)
    figures = report_json(capsys, root, 2025)["figures"]
    expected = expected_supervision(name, 2025)
    assert {k: v for k, v in figures.items() if k.startswith("supervision.")} == expected


def test_qinghe_2025_supervision_literals(capsys, qinghe):
    f = report_json(capsys, qinghe, 2025)["figures"]
    assert (f["supervision.inspections"], f["supervision.merchants"], f["supervision.passed"]) == (5, 4, 1)
    assert f["supervision.findings.by_level"] == {"必须": 2, "应当": 2, "建议": 1}
    # 2025-005's deadline falls in 2026: not counted; 2025-002 was re-inspected after its deadline
    assert (f["supervision.rectification.ordered"], f["supervision.rectification.on_time"]) == (3, 2)
    assert f["supervision.rectification.on_time.share"] == 66.67
    assert (f["supervision.repeat_findings"], f["supervision.repeat_merchants"]) == (1, 1)  # QH-0107 clause 3 again
    assert f["supervision.actions.by_kind"] == {"整改": 4, "警告": 1, "处罚": 1, "停业整顿": 0}


def test_an_older_version_counts_and_levels_follow_the_current_clauses(capsys, nanyu):
    f = report_json(capsys, nanyu, 2025)["figures"]
    assert f["supervision.inspections.by_standard"] == {"std-10": 2, "std-11": 2}
    assert f["supervision.findings.by_standard"] == {"std-10": 3, "std-11": 3}
    assert f["supervision.actions.by_kind"]["停业整顿"] == 1
    assert f["supervision.rectification.on_time.share"] == 100.0


def test_a_published_year_keeps_its_frozen_figures_without_supervision_ones(capsys, qinghe):
    """qinghe's 2024 report was frozen before supervision figures existed: they are not added to
    it (a published report never changes silently), and their absence is no drift."""
    from rightsite.load import load_project
    from rightsite.report.cli import report_problems

    data = report_json(capsys, qinghe, 2024)
    assert data["status"] == "published"
    assert not [k for k in data["figures"] if k.startswith("supervision.")]
    assert "complaints.total" in data["figures"]
    code, report = check_json(capsys, qinghe)
    assert code == 0 and report["problems"] == []
    assert report_problems(qinghe, load_project(qinghe)).items == []


def test_frozen_supervision_figures_drift_when_an_inspection_changes(capsys, qinghe):
    rel = "data/reports/2025.yml"
    code, out, err = run_cli(capsys, "--root", str(qinghe), "report", "2025", "--freeze", "--today", "2026-01-15")
    assert code == 0, err
    frozen = yaml.safe_load((qinghe / rel).read_text(encoding="utf-8"))["figures"]
    assert frozen["supervision.inspections"] == 5
    edit(qinghe / "data/inspections/2025-003.yml", '  - {clause: "4", result: 符合}',
         '  - {clause: "4", result: 不符合, finding: 价目表未公示。}')
    code, report = check_json(capsys, qinghe)
    drift = [p for p in report["problems"] if p["rule"] == "report.drift"]
    fields = {p["field"] for p in drift}
    assert "figures.supervision.findings" in fields and "figures.supervision.passed" in fields
    p = next(p for p in drift if p["field"] == "figures.supervision.findings")
    assert p["file"] == rel and p["line"] == line_of(qinghe / rel, "  supervision.findings:")
    assert "冻结值 5" in p["message"] and "重新计算为 6" in p["message"] and "data/inspections/" in p["message"]
    assert code == 1  # the action-less non-conformity is fine, the drift is not


# ---- validation --------------------------------------------------------------------------

BAD = """\
id: 2026-009
date: 2026-05-10
inspector: 客户服务部巡检员
merchant:
  code: QH-0107
  sector: 生鲜超市
standard: std-01
version: "1.0"
results:
  - {clause: "1", result: 符合}
  - {clause: "9", result: 不符合, finding: 称重台面不清洁。}
  - {clause: "2", result: 不符合}
actions:
  - kind: 整改
    deadline: 2026-05-01
follow_up:
  date: 2026-04-30
  result: 已整改
"""


def problems_of(report: dict, file: str) -> list[tuple]:
    return [(p["rule"], p["line"], p["field"]) for p in report["problems"] if p["file"] == file]


def test_a_bad_record_fails_check_with_file_line_field_and_fix(capsys, qinghe):
    rel = "data/inspections/2026-009.yml"
    (qinghe / rel).write_text(BAD, encoding="utf-8")
    code, report = check_json(capsys, qinghe)
    assert code == 1
    assert problems_of(report, rel) == [
        ("ref.clause", 11, "results[1].clause"),
        ("schema.missing", 12, "results[2].finding"),
        ("schema.date_order", 15, "actions[0].deadline"),
        ("schema.date_order", 17, "follow_up.date"),
    ]
    by_field = {p["field"]: p["message"] for p in report["problems"] if p["file"] == rel}
    assert by_field["results[1].clause"] == (
        "std-01 没有第 9 条（现行第 1.0 版的条款：1、2、3、4、5、6）。请改正条款号。 No such clause in the standard.")
    assert by_field["actions[0].deadline"] == (
        "整改期限 2026-05-01 不晚于检查日期 2026-05-10。请写检查之后的日期。 The deadline must be after the inspection date.")
    assert by_field["follow_up.date"] == (
        "复查日期 2026-04-30 早于检查日期 2026-05-10。请改正。 The re-inspection cannot precede the inspection.")
    code, out, err = run_cli(capsys, "--root", str(qinghe), "check", "--today", TODAY)
    assert code == 1 and "Traceback" not in out + err
    assert f"{rel}:11: 错误 error [ref.clause] results[1].clause:" in out


@pytest.mark.parametrize("old, new, rule, field, words", [
    ("standard: std-01", "standard: std-07", "ref.standard", "standard", "服务标准“std-07”不存在"),
    ('version: "1.0"', 'version: "0.9"', "ref.version", "version", "可写：1.0（现行）"),
    ("  sector: 生鲜超市", "  sector: 水果店", "ref.category", "merchant.sector", "不是 data/categories.yml 中的行业"),
    ("  - kind: 整改", "  - kind: 罚款", "schema.type", "actions[0].kind", "只能是"),
    ("inspector: 客户服务部巡检员", "inspector: 王丽巡检员", "pii.name", "inspector", "王某巡检员"),
    ("inspector: 客户服务部巡检员", "inspector: 王丽", "schema.role", "inspector", "应写岗位"),
    ("date: 2025-06-18", "date: 2026-12-18", "schema.date_order", "date", "晚于今天"),
])
def test_each_rule_names_its_field(capsys, qinghe, old, new, rule, field, words):
    path = qinghe / "data/inspections/2025-001.yml"
    edit(path, old, new)
    code, report = check_json(capsys, qinghe)
    assert code == 1
    found = [p for p in report["problems"] if p["rule"] == rule and p["field"] == field]
    assert found and found[0]["file"] == "data/inspections/2025-001.yml", report["problems"]
    assert found[0]["line"] == line_of(path, new.strip())
    assert words in found[0]["message"]
    if rule == "pii.name":
        assert "王丽" not in found[0]["message"]


def test_a_version_issued_after_the_inspection_is_refused(capsys, nanyu):
    path = nanyu / "data/inspections/2025-001.yml"
    edit(path, 'version: "1.0"', 'version: "1.1"')  # 1.1 dates from 2025-06-01, the inspection from 2025-04-22
    code, report = check_json(capsys, nanyu)
    [p] = report["problems"]
    assert (p["rule"], p["line"], p["field"]) == ("ref.version", line_of(path, "version:"), "version")
    assert p["message"].startswith("std-10 第 1.1 版于 2025-06-01 才发布，检查日期 2025-04-22 时还没有这一版。")


def test_a_standard_for_other_sectors_and_a_sector_change_are_refused(capsys, nanyu):
    edit(nanyu / "data/inspections/2025-004.yml", "  sector: 海鲜餐饮", "  sector: 宠物服务")
    code, report = check_json(capsys, nanyu)
    messages = [p["message"] for p in report["problems"] if p["field"] == "merchant.sector"]
    assert any("std-11《海鲜餐饮明码标价与称重服务标准》只适用于海鲜餐饮" in m for m in messages)
    edit(nanyu / "data/inspections/2025-004.yml", "  sector: 宠物服务", "  sector: 海鲜餐饮")
    edit(nanyu / "data/inspections/2026-002.yml", "  sector: 海鲜餐饮", "  sector: 其他")
    code, report = check_json(capsys, nanyu)
    assert any(p["rule"] == "ref.merchant" and "NY-4102" in p["message"] for p in report["problems"])


def test_personal_data_in_a_finding_is_an_error_at_its_line(capsys, qinghe):
    path = qinghe / "data/inspections/2025-002.yml"
    edit(path, "前台称“办卡后一律不退”。", "店长王建国表示“办卡后一律不退”。")
    code, report = check_json(capsys, qinghe)
    [p] = report["problems"]
    assert (p["rule"], p["field"], p["line"]) == ("pii.name", "results[4].finding", line_of(path, "店长王"))
    assert "王建国" not in p["message"]


# ---- staleness ---------------------------------------------------------------------------

def stale_json(capsys, root: Path, today: str) -> list[dict]:
    code, out, _ = run_cli(capsys, "--root", str(root), "stale", "--today", today, "--format", "json")
    assert code == 0
    return json.loads(out)["problems"]


def test_a_missing_follow_up_after_the_deadline_is_stale_for_the_owner(capsys, qinghe):
    path = qinghe / "data/inspections/2026-003.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("follow_up:")], encoding="utf-8")
    assert stale_json(capsys, qinghe, "2026-10-28") == []  # the deadline day itself is still in time
    [p] = stale_json(capsys, qinghe, "2026-10-29")
    assert (p["rule"], p["file"], p["line"], p["field"], p["owner"]) == (
        "stale.inspection", "data/inspections/2026-003.yml", line_of(path, "deadline:"), "actions[0].deadline", "客户服务部")
    assert p["message"].startswith("检查 2026-003（QH-0315，std-01）要求在 2026-10-28 前整改，期限已过（自 2026-10-28 起）仍没有复查记录。")
    code, report = check_json(capsys, qinghe, "--strict")
    # QH-0315 is on the published 放心消费 list: an open finding also takes it off that list
    assert code == 1 and sorted(q["rule"] for q in report["problems"]) == ["ref.merchant", "stale.inspection"]


def test_a_partial_rectification_needs_a_later_inspection(capsys, qinghe):
    assert stale_json(capsys, qinghe, TODAY) == []  # 2026-001 was 部分整改, 2026-002 inspected again
    (qinghe / "data/inspections/2026-002.yml").unlink()
    [p] = stale_json(capsys, qinghe, TODAY)
    assert (p["rule"], p["file"], p["field"]) == ("stale.inspection", "data/inspections/2026-001.yml", "follow_up.result")
    assert "部分整改" in p["message"]


# ---- the opt-in merchant list ------------------------------------------------------------

def test_a_listed_merchant_must_have_passed(capsys, qinghe):
    site = qinghe / "data/site.yml"
    edit(site, "code: QH-0315", "code: QH-0212")  # its last inspection passed: fine
    assert check_json(capsys, qinghe)[0] == 0
    edit(qinghe / "data/inspections/2026-002.yml", '  - {clause: "4", result: 符合}',
         '  - {clause: "4", result: 不符合, finding: 投诉登记本无答复记录。}')
    edit(qinghe / "data/inspections/2026-002.yml", "  - {clause: \"5\", result: 符合}\n",
         "  - {clause: \"5\", result: 符合}\nactions:\n  - {kind: 整改, deadline: 2026-12-20}\n")
    code, report = check_json(capsys, qinghe)
    [p] = report["problems"]
    assert (p["rule"], p["file"], p["line"]) == ("ref.merchant", "data/site.yml", line_of(site, "name: 青丝造型"))
    assert "“青丝造型”（QH-0212）最近一次按 std-01 的检查（2026-002，2026-04-08）有不符合项" in p["message"]
    edit(site, "code: QH-0212", "code: QH-9999")
    code, report = check_json(capsys, qinghe)
    assert [p["rule"] for p in report["problems"]] == ["ref.merchant"]
    assert "没有任何检查记录" in report["problems"][0]["message"]


# ---- what the public sees (built fixtures) -----------------------------------------------

def built_texts(site: Path) -> dict[str, str]:
    """Every public file's text: pages, feeds, sitemap, search index, and the PDFs' text."""
    out = {}
    for p in sorted(site.rglob("*")):
        if p.suffix in (".html", ".xml", ".ics", ".json", ".txt", ".js"):
            out[p.relative_to(site).as_posix()] = p.read_text(encoding="utf-8", errors="replace")
        elif p.suffix == ".pdf":
            out[p.relative_to(site).as_posix()] = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(p), "-"], capture_output=True, text=True, check=True).stdout
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_no_merchant_code_in_any_public_page_pdf_feed_or_search_index(built_fixture, name):
    b = built_fixture(name)
    assert b.code == 0, b.err
    texts = built_texts(b.site)
    assert "search/search_index.json" in texts and "feed.xml" in texts and "downloads/checklists/all.pdf" in texts
    codes = merchant_codes(name)
    assert len(codes) >= 4
    for path, text in texts.items():
        for code in codes:
            assert code not in text, (code, path)
            assert code.replace("-", "") not in text, (code, path)


@pytest.mark.slow
def test_the_opted_in_list_shows_names_only_and_only_where_opted_in(built_fixture):
    q, n = built_fixture("qinghe"), built_fixture("nanyu")
    page = article_text(q.site / "standards/merchants/index.html")
    for m in fixture_yaml("qinghe", "data/site.yml")["merchant_list"]["merchants"]:
        assert squash(m["name"]) in page and m["code"] not in page
    assert squash("禾丰鲜果生鲜超市2025年12月10日场内商户投诉处理与售后服务规范") in page
    assert 'href="merchants/"' in (q.site / "standards/index.html").read_text(encoding="utf-8")
    assert not (n.site / "standards/merchants").exists()
    assert "放心消费" not in (n.site / "standards/index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_standards_page_shows_yearly_aggregates(built_fixture):
    b = built_fixture("qinghe")
    text = article_text(b.site / "standards/index.html")
    f25 = expected_supervision("qinghe", 2025)
    assert squash(f"2025年 | {f25['supervision.inspections']} 次 | {f25['supervision.merchants']} 家 |"
                  f" {f25['supervision.conformity.share']}% | {f25['supervision.findings']} 项 |"
                  f" {f25['supervision.rectification.on_time.share']}%").replace("|", "") in text
    assert squash("2026年（截至11月25日）3 次 2 家") in text
    assert "不公布单个商户的检查结果" in text
    assert 'href="../reports/2025/#supervision"' in (b.site / "standards/index.html").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_the_report_page_and_pdf_show_the_supervision_section(built_fixture, name):
    b = built_fixture(name)
    f = expected_supervision(name, 2025)
    page = article_text(b.site / "reports/2025/index.html")
    assert squash(f"监督检查 | {f['supervision.inspections']}次，受检商户 {f['supervision.merchants']}家").replace("|", "") in page
    assert squash(f"按期整改率 {f['supervision.rectification.on_time.share']}%") in page
    assert "2025年监督检查的处理措施（次）" in page
    pdf = squash(subprocess.run(["pdftotext", "-enc", "UTF-8", str(b.site / "downloads/report-2025.pdf"), "-"],
                                capture_output=True, text=True, check=True).stdout)
    assert "质量监督" in pdf and squash(f"按期整改率{f['supervision.rectification.on_time.share']}%") in pdf
    if name == "qinghe":  # the published 2024 report predates the supervision figures
        assert "质量监督" not in article_text(b.site / "reports/2024/index.html")


@pytest.mark.slow
@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_standard_has_a_checklist_and_a_self_check_with_every_clause(built_fixture, name):
    b = built_fixture(name)
    dl = b.site / "downloads/checklists"
    stds = standards(name)
    total = 0
    for sid, std in stds.items():
        n = len(std["clauses"])
        total += n
        for suffix, kind in (("", "检查表"), ("-self", "自查表")):
            text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(dl / f"{sid}{suffix}.pdf"), "-"],
                                  capture_output=True, text=True, check=True).stdout
            assert text.count("□ 不适用") == n, (sid, suffix)
            flat = squash(text)
            assert squash(f"依据 {sid} 第 {std['version']} 版") in flat
            e = std["effective"]
            assert f"{e.year}年{e.month}月{e.day}日施行" in flat and kind in flat
            for clause in std["clauses"]:
                assert re.search(rf"^{re.escape(clause['number'])}$", text, re.M), (sid, clause["number"])
            assert ("检查人员签字" in flat) == (suffix == "")
        html = (b.site / "standards" / sid / "index.html").read_text(encoding="utf-8")
        assert f'href="../../downloads/checklists/{sid}.pdf"' in html
        assert f'href="../../downloads/checklists/{sid}-self.pdf"' in html
    for combined in ("all.pdf", "all-self.pdf"):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(dl / combined), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert text.count("□ 不适用") == total


def test_the_sample_has_inspections_over_two_years_that_check_clean():
    """Smoke test of the sample (its values are the editors' to change)."""
    from rightsite.guard.inspections import check_inspections
    from rightsite.load import load_project

    import datetime as dt

    project = load_project(Path(__file__).resolve().parents[1])
    assert len(project.inspections) >= 40
    assert {i.record.date.year for i in project.inspections.values()} >= {2025, 2026}
    assert [p for p in project.problems.items if p.file.startswith("data/inspections/")] == []
    assert check_inspections(project, dt.date.fromisoformat(TODAY)).items == []
