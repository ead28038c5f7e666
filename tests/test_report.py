"""The annual report: complaint CSV reader, figures, JSON output, freezing and drift."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import ROOT, TODAY, edit, line_of, run_cli
from rightsite.load import load_project
from rightsite.model.categories import Categories
from rightsite.model.common import validate_doc
from rightsite.problems import Problems
from rightsite.report.cli import report_problems
from rightsite.report.complaints import COLUMNS, read_complaints
from rightsite.report.figures import FIGURES, compute_figures
from rightsite.yamlio import parse_yaml

HEADER = ",".join(COLUMNS)
GOOD = [
    "2025-00001,2025-01-20,2025-01-20,服务台,售后服务,家用电器,调解成功,1200,5",
    "2025-00002,2025-02-03,2025-02-10,热线电话,人格尊严,服装鞋帽,部分支持,99.5,4",
    "2025-00003,2025-03-15,2025-03-18,服务台,预付卡,美容美发,调解成功,3000.25,",
    "2025-00004,2025-03-15,2025-04-30,12315转办,预付卡,健身休闲,调解不成,0,1",
    "2025-00005,2025-11-11,2025-11-12,在线留言,质量,服装鞋帽,撤回,,5",
    "2025-00006,2025-12-30,,服务台,合同,教育培训,,,",
]
PREVIOUS = [
    "2024-00001,2024-01-05,2024-01-06,服务台,售后服务,家用电器,调解成功,100,5",
    "2024-00002,2024-05-05,2024-05-06,服务台,售后服务,通讯器材,调解成功,100,5",
    "2024-00003,2024-06-18,2024-06-20,服务台,质量,服装鞋帽,调解成功,0,",
    "2024-00004,2024-11-12,2024-11-13,热线电话,预付卡,美容美发,转办,0,",
]
REPORT = "data/reports/2024.yml"


@pytest.fixture(scope="module")
def cats() -> Categories:
    record, found = validate_doc(Categories, parse_yaml((ROOT / "data" / "categories.yml").read_text(encoding="utf-8")))
    assert record is not None, found
    return record


def write(path: Path, lines: list[str], encoding: str = "utf-8", header: str = HEADER) -> Path:
    path.write_bytes(("\n".join([header, *lines]) + "\n").encode(encoding))
    return path


def read(path: Path, cats: Categories, year: int = 2025):
    problems = Problems()
    table = read_complaints(path, f"data/complaints/{path.name}", year, cats, problems)
    return table, problems


def columns(table) -> tuple:
    return tuple(list(getattr(table, c)) for c in ("received", "days", "channel", "nature", "sector", "outcome", "cents",
                                                   "satisfaction"))


# ---- reading the CSV -------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_encodings_read_the_same(tmp_path, cats, encoding):
    plain, plain_problems = read(write(tmp_path / "a.csv", GOOD, "utf-8"), cats)
    other, other_problems = read(write(tmp_path / "b.csv", GOOD, encoding), cats)
    assert plain_problems.items == other_problems.items == []
    assert len(plain) == len(other) == 6
    assert columns(plain) == columns(other)
    assert other.encoding == ("utf-8-sig" if encoding == "utf-8-sig" else "gb18030")


def test_excel_crlf_and_bom_header(tmp_path, cats):
    path = tmp_path / "2025.csv"
    path.write_bytes(("\r\n".join([HEADER, *GOOD]) + "\r\n").encode("utf-8-sig"))
    table, problems = read(path, cats)
    assert problems.items == [] and len(table) == 6


def test_unknown_column_is_an_error_naming_it(tmp_path, cats):
    rows = [r + ",王女士 138" for r in GOOD]
    table, problems = read(write(tmp_path / "2025.csv", rows, header=HEADER + ",备注"), cats)
    assert table is None
    [p] = problems.items
    assert (p.rule, p.line, p.field) == ("schema.csv.column", 1, "备注")
    assert "备注" in p.message and "个人信息" in p.message


def test_missing_column(tmp_path, cats):
    header = HEADER.replace(",satisfaction", "")
    _, problems = read(write(tmp_path / "2025.csv", [r.rsplit(",", 1)[0] for r in GOOD], header=header), cats)
    [p] = problems.items
    assert (p.rule, p.field) == ("schema.csv.column", "satisfaction")


def test_bad_rows_reported_all_at_once_with_lines(tmp_path, cats):
    rows = list(GOOD)
    rows[1] = rows[1].replace("2025-02-03", "2025/2/3")            # line 3
    rows[2] = rows[2].replace("美容美发", "美发")                    # line 4
    rows[3] = rows[3].replace(",0,1", ",0,6")                        # line 5
    rows[4] = rows[4].replace("2025-11-12", "2025-11-01")           # line 6: closed before received
    rows.append("2025-00007,2024-12-31,,服务台,质量,食品,,1.234,")   # line 8: wrong year, bad amount
    rows.append("2025-00001,2025-05-01,,服务台,质量,食品,,,")        # line 9: duplicate id
    table, problems = read(write(tmp_path / "2025.csv", rows), cats)
    found = sorted((p.line, p.field, p.rule) for p in problems.items)
    assert found == [
        (3, "received", "schema.csv.date"),
        (4, "sector", "schema.csv.category"),
        (5, "satisfaction", "schema.csv.satisfaction"),
        (6, "closed", "schema.csv.date_order"),
        (8, "amount_recovered", "schema.csv.amount"),
        (8, "received", "schema.csv.date"),
        (9, "id", "schema.csv.id"),
    ]
    messages = {p.line: p.message for p in problems.items}
    assert "YYYY-MM-DD" in messages[3] and "Excel" in messages[3]
    assert "美容美发" in messages[4]  # lists the allowed names
    assert "第一次在第 2 行" in messages[9]
    assert all(p.file == "data/complaints/2025.csv" for p in problems.items)
    assert len(table) == 2  # only the good rows


def test_open_complaint_rules(tmp_path, cats):
    rows = ["2025-00001,2025-01-20,2025-01-21,服务台,质量,食品,,0,",
            "2025-00002,2025-01-20,,服务台,质量,食品,调解成功,0,"]
    _, problems = read(write(tmp_path / "2025.csv", rows), cats)
    assert [(p.line, p.rule) for p in problems.items] == [(2, "schema.csv.outcome"), (3, "schema.csv.outcome")]


def test_messages_do_not_repeat_a_phone_number(tmp_path, cats):
    rows = [GOOD[0].replace("家用电器", "13812345678")]
    _, problems = read(write(tmp_path / "2025.csv", rows), cats)
    [p] = problems.items
    assert p.field == "sector" and "13812345678" not in p.message and "138****" in p.message


def test_damaged_utf8_is_not_guessed(tmp_path, cats):
    path = write(tmp_path / "2025.csv", GOOD)
    raw = path.read_bytes()
    cut = raw.index("预付卡".encode()) + 1  # break a character on line 4
    path.write_bytes(raw[:cut] + b"\xff" + raw[cut + 2:])
    table, problems = read(path, cats)
    [p] = problems.items
    assert table is None and (p.rule, p.line) == ("schema.csv.encoding", 4)


# ---- figures -------------------------------------------------------------------------

def test_figures_on_a_tiny_csv(tmp_path, cats):
    table, problems = read(write(tmp_path / "2025.csv", GOOD), cats)
    previous, _ = read(write(tmp_path / "2024.csv", PREVIOUS), cats, 2024)
    assert problems.items == []
    f = compute_figures(2025, table, previous, cats)
    assert list(f) == list(FIGURES)
    assert f["complaints.total"] == 6
    assert f["complaints.total.previous"] == 4
    assert f["complaints.total.change"] == 50.0
    assert f["complaints.by_channel"] == {"服务台": 3, "热线电话": 1, "电子邮件": 0, "在线留言": 1, "12315转办": 1, "消协转办": 0}
    nature = f["complaints.by_nature"]
    assert (nature["预付卡"], nature["人格权益"], nature["售后服务"], nature["计量"]) == (2, 1, 1, 0)  # alias counted
    assert f["complaints.by_nature.share"]["预付卡"] == 33.33
    assert f["complaints.by_nature.share"]["售后服务"] == 16.67
    assert f["complaints.by_nature.change"]["预付卡"] == 100.0      # 1 -> 2
    assert f["complaints.by_nature.change"]["售后服务"] == -50.0    # 2 -> 1
    assert f["complaints.by_nature.change"]["合同"] is None          # 0 last year
    assert f["complaints.by_nature.share_change"]["预付卡"] == 8.33  # 33.33 - 25.00
    assert f["complaints.by_month"] == {"01": 1, "02": 1, "03": 2, "04": 0, "05": 0, "06": 0, "07": 0, "08": 0, "09": 0,
                                        "10": 0, "11": 1, "12": 1}
    assert (f["complaints.closed"], f["complaints.open"]) == (5, 1)
    # days to close: 0, 7, 3, 46, 1 -> sorted 0 1 3 7 46
    assert f["complaints.days_to_close.median"] == 3
    assert f["complaints.days_to_close.p90"] == 46     # ceil(0.9 * 5) = 5th
    assert f["complaints.closed_within_7d.share"] == 66.67   # 4 of 6 received
    assert f["complaints.closed_within_30d.share"] == 66.67
    assert f["complaints.days_to_close.distribution"] == {"当天": 1, "1–3天": 2, "4–7天": 1, "8–15天": 0, "16–30天": 0,
                                                          "31–60天": 1, "60天以上": 0}
    assert f["complaints.by_outcome"] == {"调解成功": 2, "部分支持": 1, "调解不成": 1, "撤回": 1, "转办": 0}
    assert f["complaints.by_outcome.share"]["调解成功"] == 40.0
    assert (f["complaints.resolved"], f["complaints.resolved.share"]) == (3, 50.0)
    assert f["complaints.amount_recovered"] == 4299.75
    assert f["complaints.amount_recovered.change"] == 2049.88  # 4299.75 vs 200
    assert f["satisfaction.rated"] == 4
    assert f["satisfaction.mean"] == 3.75  # (5 + 4 + 1 + 5) / 4
    assert f["satisfaction.distribution"] == {"1": 1, "2": 0, "3": 0, "4": 1, "5": 2}
    assert f["satisfaction.satisfied.share"] == 75.0
    assert f["complaints.by_group"] == {"商品类": 3, "服务类": 3, "其他类": 0}
    hot = f["complaints.hotspots"]  # largest rise in share first; ties by name
    assert list(hot)[:3] == ["性质·人格权益", "性质·合同", "性质·预付卡"]
    assert hot["性质·预付卡"] == {"count": 2, "previous": 1, "change": 100.0, "share_change": 8.33}
    assert hot["性质·合同"] == {"count": 1, "previous": 0, "change": None, "share_change": 16.67}


def test_median_of_an_even_count_and_no_previous_year(tmp_path, cats):
    table, _ = read(write(tmp_path / "2025.csv", GOOD[:4]), cats)  # days 0, 7, 3, 46
    f = compute_figures(2025, table, None, cats)
    assert f["complaints.days_to_close.median"] == 5.0  # (3 + 7) / 2
    assert f["complaints.total.change"] is None and f["complaints.hotspots"] == {}
    assert f["events.held"] is None and f["survey.overall"] is None


def test_every_figure_is_documented():
    for fig in FIGURES.values():
        assert fig.label and fig.definition.endswith("。") and fig.kind in {
            "count", "percent", "points", "yuan", "days", "score", "text"}


# ---- the command ----------------------------------------------------------------------

def report_json(capsys, root: Path, year: str, *extra: str) -> tuple[int, dict, str]:
    code, out, err = run_cli(capsys, "--root", str(root), "report", year, "--format", "json", *extra)
    return code, (json.loads(out) if out.strip() else {}), err


def test_json_output_shape(capsys):
    code, data, _ = report_json(capsys, ROOT, "2025")
    assert code == 0
    assert set(data) == {"year", "status", "figures"} and (data["year"], data["status"]) == (2025, "draft")
    f = data["figures"]
    for key in ("complaints.total", "complaints.days_to_close.median", "complaints.amount_recovered",
                "satisfaction.mean", "events.held", "events.attendees"):
        assert isinstance(f[key], (int, float)) and not isinstance(f[key], bool), key
    for key in ("complaints.by_channel", "complaints.by_nature"):
        assert isinstance(f[key], dict) and sum(f[key].values()) == f["complaints.total"]
    assert list(f["complaints.by_month"]) == [f"{m:02d}" for m in range(1, 13)]
    assert f["events.held"] == 8 and f["merchants.trainings"] == 3 and f["cases.published"] == 15


def test_sample_data(capsys):
    _, old, _ = report_json(capsys, ROOT, "2024")
    _, new, _ = report_json(capsys, ROOT, "2025")
    assert old["status"] == "published" and new["status"] == "draft"
    assert old["figures"]["complaints.total"] >= 1500 and new["figures"]["complaints.total"] >= 1500
    assert 12 <= new["figures"]["complaints.total.change"] <= 16
    assert "性质·预付卡" in new["figures"]["complaints.hotspots"]
    months = new["figures"]["complaints.by_month"]
    assert months["11"] == max(months.values())  # 双十一
    assert report_problems(ROOT, load_project(ROOT)).items == []


def test_unknown_year_exits_2(capsys):
    code, out, err = run_cli(capsys, "--root", str(ROOT), "report", "2019")
    assert code == 2 and out == "" and "data/complaints/2019.csv" in err and "Traceback" not in err


def test_bad_csv_exits_1_without_traceback(capsys, project):
    edit(project / "data/complaints/2025.csv", "2025-00002,", "2025-0000X,")
    code, out, err = run_cli(capsys, "--root", str(project), "report", "2025")
    assert code == 1 and "data/complaints/2025.csv:3:" in err and "schema.csv.id" in err


# ---- freezing and drift ---------------------------------------------------------------

def test_freeze_writes_figures_and_status(capsys, project, monkeypatch):
    path = project / "data/reports/2025.yml"
    code, data, err = report_json(capsys, project, "2025", "--freeze", "--today", TODAY)
    assert code == 0, err
    assert data["status"] == "published"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/report.json\n")
    assert "status: published\n" in text and f"published: {TODAY}\n" in text
    assert f"  complaints.total: {data['figures']['complaints.total']}\n" in text
    assert "title: 2025年度消费者权益保护工作报告" in text  # editors' words kept
    assert report_problems(project, load_project(project)).items == []
    # freezing again changes nothing
    code, _, err = report_json(capsys, project, "2025", "--freeze", "--today", TODAY)
    assert code == 0 and "没有变化" in err and path.read_text(encoding="utf-8") == text


def test_freeze_refuses_an_unfinished_year(capsys, project, monkeypatch):
    code, _, err = run_cli(capsys, "--root", str(project), "report", "2025", "--freeze", "--today", "2025-12-31")
    assert code == 1 and "尚未结束" in err
    assert "status: draft" in (project / "data/reports/2025.yml").read_text(encoding="utf-8")


def _first_row_with_amount(path: Path) -> tuple[str, str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.reader(fh):
            if row[7] not in ("", "0", "amount_recovered"):
                return ",".join(row), row[7]
    raise AssertionError("no amount")


def test_drift_after_changing_one_row(project):
    frozen = json.loads(json.dumps(load_project_figures(project)))
    csv_path = project / "data/complaints/2024.csv"
    row, amount = _first_row_with_amount(csv_path)
    edit(csv_path, row, row.replace(f",{amount},", ",0,"))
    problems = report_problems(project, load_project(project))
    [p] = problems.items
    old = frozen["complaints.amount_recovered"]
    assert (p.rule, p.file, p.field) == ("report.drift", REPORT, "figures.complaints.amount_recovered")
    assert p.line == line_of(project / REPORT, "  complaints.amount_recovered:")
    assert str(old) in p.message and "data/complaints/2024.csv" in p.message and "corrections" in p.message
    new = round(old - float(amount), 2)
    assert str(new) in p.message


def test_drift_of_an_object_names_the_entry(project):
    csv_path = project / "data/complaints/2024.csv"
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    row = next(ln for ln in lines[1:] if ",质量," in ln)
    edit(csv_path, row, row.replace(",质量,", ",价格,"))
    fields = {p.field for p in report_problems(project, load_project(project)).items if p.rule == "report.drift"}
    assert {"figures.complaints.by_nature.质量", "figures.complaints.by_nature.价格",
            "figures.complaints.by_nature.share.质量", "figures.complaints.by_nature.share.价格"} <= fields


def load_project_figures(root: Path) -> dict:
    from rightsite.report import load_year

    figures = load_year(load_project(root), 2024).figures
    assert figures is not None
    return figures


def test_correction_accepts_the_drift(capsys, project):
    old = load_project_figures(project)["complaints.amount_recovered"]
    csv_path = project / "data/complaints/2024.csv"
    row, amount = _first_row_with_amount(csv_path)
    edit(csv_path, row, row.replace(f",{amount},", ",0,"))
    new = round(old - float(amount), 2)
    report = project / REPORT
    text = report.read_text(encoding="utf-8")
    report.write_text(text + ("corrections:\n  - date: 2025-06-02\n    figure: complaints.amount_recovered\n"
                              f"    old: {old}\n    new: {new}\n"
                              "    reason: 一笔退款经核实未实际到账，台账金额更正为 0。\n"), encoding="utf-8")
    assert report_problems(project, load_project(project)).items == []
    code, data, _ = report_json(capsys, project, "2024")
    assert code == 0 and data["figures"]["complaints.amount_recovered"] == new
    # a correction whose old value is not the published one is itself an error
    report.write_text(report.read_text(encoding="utf-8").replace(f"old: {old}", "old: 1"), encoding="utf-8")
    rules = sorted(p.rule for p in report_problems(project, load_project(project)).items)
    assert rules == ["report.drift", "report.drift"]


def test_report_file_rules(project):
    path = project / "data/reports/2025.yml"
    edit(path, "featured_cases: [2025-004,", "featured_cases: [2025-404,")
    edit(project / REPORT, "status: published", "status: draft")
    found = {(p.rule, p.file, p.field) for p in report_problems(project, load_project(project)).items}
    assert ("ref.case", "data/reports/2025.yml", "featured_cases[0]") in found
    assert ("schema.report", REPORT, "figures") in found


def test_charts_are_deterministic_text_svg():
    pytest.importorskip("matplotlib")
    from rightsite.report import load_year
    from rightsite.report.charts import all_charts

    figures = load_year(load_project(ROOT), 2025).figures
    first, second = all_charts(figures, 2025), all_charts(figures, 2025)
    assert [c.svg for c in first] == [c.svg for c in second]
    for chart in first:
        assert chart.svg.startswith("<svg") and f"<title>{chart.title}</title>" in chart.svg
        assert "Noto Sans CJK SC" in chart.svg and chart.rows
    assert "11月" in first[0].svg and "预付卡" in first[1].svg  # labels stay text
