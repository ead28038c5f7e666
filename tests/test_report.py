"""The annual report: complaint CSV reader, figures, JSON output, freezing and drift.

The unit tests read tiny CSVs written here, named after the qinghe fixture's categories; the
command tests run on fresh copies of the fixture projects (tests/fixtures/), whose values are
read independently of rightsite (test_fixtures' csv and yaml helpers) or are its literals.
qinghe's 2024 report is published and frozen (figures block written by `report --freeze`).
"""
from __future__ import annotations

import csv
import io
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import FIXTURES, TODAY, line_of, run_cli
from rightsite.load import load_project
from rightsite.model.categories import Categories
from rightsite.model.common import validate_doc
from rightsite.problems import Problems
from rightsite.report.cli import report_problems
from rightsite.model.complaints import COLUMNS, read_complaints
from rightsite.report.figures import FIGURES, compute_figures
from rightsite.yamlio import parse_yaml
from test_fixtures import fixture_csv, fixture_yaml, half_up, independent_figures

HEADER = ",".join(COLUMNS)
# qinghe's categories: 储值卡 is an alias (old name) of 会员储值
GOOD = [
    "2025-00001,2025-01-20,2025-01-20,现场接待,退换货,数码家电,达成和解,1200,5",
    "2025-00002,2025-02-03,2025-02-10,客服电话,个人信息,服装,部分和解,99.5,4",
    "2025-00003,2025-03-15,2025-03-18,现场接待,会员储值,理发美容,达成和解,3000.25,",
    "2025-00004,2025-03-15,2025-04-30,市场监管转办,储值卡,健身,未能和解,0,1",
    "2025-00005,2025-11-11,2025-11-12,微信公众号,商品质量,服装,终止调解,,5",
    "2025-00006,2025-12-30,,现场接待,服务质量,儿童教育,,,",
]
PREVIOUS = [
    "2024-00001,2024-01-05,2024-01-06,现场接待,退换货,数码家电,达成和解,100,5",
    "2024-00002,2024-05-05,2024-05-06,现场接待,退换货,母婴用品,达成和解,100,5",
    "2024-00003,2024-06-18,2024-06-20,现场接待,商品质量,服装,达成和解,0,",
    "2024-00004,2024-11-12,2024-11-13,客服电话,会员储值,理发美容,移交处理,0,",
]
REPORT = "data/reports/2024.yml"  # qinghe's published, frozen report


@pytest.fixture(scope="module")
def cats() -> Categories:
    path = FIXTURES / "qinghe" / "data" / "categories.yml"
    record, found = validate_doc(Categories, parse_yaml(path.read_text(encoding="utf-8")))
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
    rows[2] = rows[2].replace("理发美容", "美发")                    # line 4
    rows[3] = rows[3].replace(",0,1", ",0,6")                        # line 5
    rows[4] = rows[4].replace("2025-11-12", "2025-11-01")           # line 6: closed before received
    rows.append("2025-00007,2024-12-31,,现场接待,商品质量,生鲜超市,,1.234,")   # line 8: wrong year, bad amount
    rows.append("2025-00001,2025-05-01,,现场接待,商品质量,生鲜超市,,,")        # line 9: duplicate id
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
    assert "理发美容" in messages[4]  # lists the allowed names
    assert "第一次在第 2 行" in messages[9]
    assert all(p.file == "data/complaints/2025.csv" for p in problems.items)
    assert len(table) == 2  # only the good rows


def test_open_complaint_rules(tmp_path, cats):
    rows = ["2025-00001,2025-01-20,2025-01-21,现场接待,商品质量,生鲜超市,,0,",
            "2025-00002,2025-01-20,,现场接待,商品质量,生鲜超市,达成和解,0,"]
    _, problems = read(write(tmp_path / "2025.csv", rows), cats)
    assert [(p.line, p.rule) for p in problems.items] == [(2, "schema.csv.outcome"), (3, "schema.csv.outcome")]


def test_messages_do_not_repeat_a_phone_number(tmp_path, cats):
    rows = [GOOD[0].replace("数码家电", "13812345678")]
    _, problems = read(write(tmp_path / "2025.csv", rows), cats)
    [p] = problems.items
    assert p.field == "sector" and "13812345678" not in p.message and "138****" in p.message


def test_damaged_utf8_is_not_guessed(tmp_path, cats):
    path = write(tmp_path / "2025.csv", GOOD)
    raw = path.read_bytes()
    cut = raw.index("会员储值".encode()) + 1  # break a character on line 4
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
    assert f["complaints.by_channel"] == {"现场接待": 3, "客服电话": 1, "微信公众号": 1, "邮件来信": 0, "市场监管转办": 1}
    assert list(f["complaints.by_channel"]) == [c.name for c in cats.channels]
    nature = f["complaints.by_nature"]
    assert (nature["会员储值"], nature["个人信息"], nature["退换货"], nature["缺斤短两"]) == (2, 1, 1, 0)  # alias counted
    assert "储值卡" not in nature
    assert f["complaints.by_nature.share"]["会员储值"] == 33.33
    assert f["complaints.by_nature.share"]["退换货"] == 16.67
    assert f["complaints.by_nature.change"]["会员储值"] == 100.0    # 1 -> 2
    assert f["complaints.by_nature.change"]["退换货"] == -50.0      # 2 -> 1
    assert f["complaints.by_nature.change"]["服务质量"] is None      # 0 last year
    assert f["complaints.by_nature.share_change"]["会员储值"] == 8.33  # 33.33 - 25.00
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
    assert f["complaints.by_outcome"] == {"达成和解": 2, "部分和解": 1, "未能和解": 1, "终止调解": 1, "移交处理": 0}
    assert f["complaints.by_outcome.share"]["达成和解"] == 40.0
    assert (f["complaints.resolved"], f["complaints.resolved.share"]) == (3, 50.0)
    assert f["complaints.amount_recovered"] == 4299.75
    assert f["complaints.amount_recovered.change"] == 2049.88  # 4299.75 vs 200
    assert f["satisfaction.rated"] == 4
    assert f["satisfaction.mean"] == 3.75  # (5 + 4 + 1 + 5) / 4
    assert f["satisfaction.distribution"] == {"1": 1, "2": 0, "3": 0, "4": 1, "5": 2}
    assert f["satisfaction.satisfied.share"] == 75.0
    assert f["complaints.by_group"] == {"商品类": 3, "服务类": 3, "其他类": 0}
    hot = f["complaints.hotspots"]  # largest rise in share first; ties by name
    assert list(hot)[:3] == ["性质·个人信息", "性质·服务质量", "性质·会员储值"]
    assert hot["性质·会员储值"] == {"count": 2, "previous": 1, "change": 100.0, "share_change": 8.33}
    assert hot["性质·服务质量"] == {"count": 1, "previous": 0, "change": None, "share_change": 16.67}


def test_median_of_an_even_count_and_no_previous_year(tmp_path, cats):
    table, _ = read(write(tmp_path / "2025.csv", GOOD[:4]), cats)  # days 0, 7, 3, 46
    f = compute_figures(2025, table, None, cats)
    assert f["complaints.days_to_close.median"] == 5.0  # (3 + 7) / 2
    assert f["complaints.total.change"] is None and f["complaints.hotspots"] == {}
    assert f["events.held"] is None and f["survey.overall"] is None


def test_every_figure_is_documented():
    for fig in FIGURES.values():
        assert fig.label and fig.definition.endswith("。") and fig.kind in {
            "count", "percent", "points", "yuan", "days", "score", "scale", "text"}


# ---- the command ----------------------------------------------------------------------

def report_json(capsys, root: Path, year: str, *extra: str) -> tuple[int, dict, str]:
    code, out, err = run_cli(capsys, "--root", str(root), "report", year, "--format", "json", *extra)
    return code, (json.loads(out) if out.strip() else {}), err


def fixture_records(name: str, folder: str) -> list[dict]:
    return [fixture_yaml(name, f"data/{folder}/{p.name}") for p in sorted((FIXTURES / name / "data" / folder).glob("*.yml"))]


def test_json_output_shape(capsys, qinghe):
    code, data, _ = report_json(capsys, qinghe, "2025")
    assert code == 0
    assert set(data) == {"year", "status", "figures"} and (data["year"], data["status"]) == (2025, "draft")
    f = data["figures"]
    assert list(f) == list(FIGURES)
    for key in ("complaints.total", "complaints.days_to_close.median", "complaints.amount_recovered",
                "satisfaction.mean", "events.held", "events.attendees"):
        assert isinstance(f[key], (int, float)) and not isinstance(f[key], bool), key
    for key in ("complaints.by_channel", "complaints.by_nature"):
        assert isinstance(f[key], dict) and sum(f[key].values()) == f["complaints.total"]
    assert list(f["complaints.by_month"]) == [f"{m:02d}" for m in range(1, 13)]
    held = [e for e in fixture_records("qinghe", "events") if e["status"] == "held" and e["start"].year == 2025]
    trainings = [e for e in held if e["kind"] == "商户培训"]
    cases = [c for c in fixture_records("qinghe", "cases") if c["received"].year == 2025]
    assert (f["events.held"], f["merchants.trainings"], f["cases.published"]) == (len(held), len(trainings), len(cases)) \
        == (2, 1, 3)
    assert f["events.attendees"] == sum(e["recap"]["attendance"] for e in held) == 906
    assert f["merchants.trained"] == sum(e["recap"]["merchants"] for e in trainings) == 38
    survey = fixture_yaml("qinghe", "data/surveys/2025.yml")
    assert (f["survey.scale_max"], f["survey.sample_size"]) == (10.0, survey["sample_size"])


def expected_hotspots(name: str, year: int) -> dict:
    """The definition of complaints.hotspots, computed from the two CSVs without rightsite:
    the three natures and three sectors whose share rose most (points), only those that rose."""
    cats = fixture_yaml(name, "data/categories.yml")
    now, before = fixture_csv(name, year), fixture_csv(name, year - 1)
    out = {}
    for label, column, key in (("性质", "nature", "natures"), ("行业", "sector", "sectors")):
        canonical = {n["name"]: n["name"] for n in cats[key]}
        canonical.update({a: n["name"] for n in cats[key] for a in n.get("aliases", [])})
        a, b = Counter(canonical[r[column]] for r in now), Counter(canonical[r[column]] for r in before)
        rows = []
        for item in (c["name"] for c in cats[key]):
            rise = half_up(Decimal(str(half_up(Decimal(a[item]) * 100 / len(now))))
                           - Decimal(str(half_up(Decimal(b[item]) * 100 / len(before)))))
            if rise > 0:
                rows.append((rise, item))
        for rise, item in sorted(rows, key=lambda r: (-r[0], r[1]))[:3]:
            out[f"{label}·{item}"] = {"count": a[item], "previous": b[item],
                                      "change": half_up(Decimal(a[item] - b[item]) * 100 / b[item]) if b[item] else None,
                                      "share_change": rise}
    return out


def test_fixture_data(capsys, qinghe):
    _, old, _ = report_json(capsys, qinghe, "2024")
    _, new, _ = report_json(capsys, qinghe, "2025")
    assert old["status"] == "published" and new["status"] == "draft"
    for data, year in ((old, 2024), (new, 2025)):
        expected = independent_figures("qinghe", year)
        assert {k: data["figures"][k] for k in expected} == expected
    total, previous = len(fixture_csv("qinghe", 2025)), len(fixture_csv("qinghe", 2024))
    assert (new["figures"]["complaints.total"], new["figures"]["complaints.total.previous"]) == (total, previous) == (236, 178)
    assert new["figures"]["complaints.total.change"] == half_up(Decimal(total - previous) * 100 / previous) == 32.58
    assert old["figures"]["complaints.total.previous"] is None and old["figures"]["complaints.hotspots"] == {}
    hot = new["figures"]["complaints.hotspots"]
    assert hot == expected_hotspots("qinghe", 2025)
    assert "性质·会员储值" in hot  # the alias 储值卡 of 2024 counts as 会员储值
    months = new["figures"]["complaints.by_month"]
    assert months["06"] == max(months.values()) == 24
    assert report_problems(qinghe, load_project(qinghe)).items == []


def test_unknown_year_exits_2(capsys, qinghe):
    code, out, err = run_cli(capsys, "--root", str(qinghe), "report", "2019")
    assert code == 2 and out == "" and "data/complaints/2019.csv" in err and "Traceback" not in err
    assert "已有年度：2024、2025" in err


# ---- editing a fixture's CSV in its own encoding (qinghe's are GB18030 with CRLF) ---------

def csv_text(path: Path) -> tuple[str, str]:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig"), ("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030"), "gb18030"


def edit_csv(path: Path, old: str, new: str) -> None:
    text, encoding = csv_text(path)
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_bytes(text.replace(old, new).encode(encoding))


def test_bad_csv_exits_1_without_traceback(capsys, qinghe):
    path = qinghe / "data/complaints/2025.csv"
    assert line_of_csv(path, "2025-0002,") == 3
    edit_csv(path, "\n2025-0002,", "\n2025-000X,")
    code, out, err = run_cli(capsys, "--root", str(qinghe), "report", "2025")
    assert code == 1 and "data/complaints/2025.csv:3:" in err and "schema.csv.id" in err and "Traceback" not in err


def line_of_csv(path: Path, needle: str) -> int:
    return next(i for i, ln in enumerate(csv_text(path)[0].splitlines(), 1) if ln.startswith(needle))


# ---- freezing and drift ---------------------------------------------------------------

def test_freeze_writes_figures_and_status(capsys, qinghe):
    path = qinghe / "data/reports/2025.yml"
    code, data, err = report_json(capsys, qinghe, "2025", "--freeze", "--today", TODAY)
    assert code == 0, err
    assert data["status"] == "published"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/report.json\n")
    assert "status: published\n" in text and f"published: {TODAY}\n" in text
    assert f"  complaints.total: {data['figures']['complaints.total']}\n" in text
    assert f"  complaints.total: {len(fixture_csv('qinghe', 2025))}\n" in text
    title = fixture_yaml("qinghe", "data/reports/2025.yml")["title"]
    assert f"title: {title}\n" in text and title == "青禾里生活广场2025年度消费维权工作报告"  # editors' words kept
    assert report_problems(qinghe, load_project(qinghe)).items == []
    # freezing again changes nothing
    code, _, err = report_json(capsys, qinghe, "2025", "--freeze", "--today", TODAY)
    assert code == 0 and "没有变化" in err and path.read_text(encoding="utf-8") == text


def test_freeze_refuses_an_unfinished_year(capsys, qinghe):
    code, _, err = run_cli(capsys, "--root", str(qinghe), "report", "2025", "--freeze", "--today", "2025-12-31")
    assert code == 1 and "尚未结束" in err
    assert "status: draft" in (qinghe / "data/reports/2025.yml").read_text(encoding="utf-8")


def test_the_published_fixture_report_is_frozen_and_clean(qinghe):
    report = fixture_yaml("qinghe", REPORT)
    assert (report["status"], str(report["published"])) == ("published", "2025-03-05")
    # frozen before rightsite counted inspections: every figure of that time, and it stays so
    assert list(report["figures"]) == [k for k in FIGURES if not k.startswith("supervision.")]
    expected = independent_figures("qinghe", 2024)
    assert {k: report["figures"][k] for k in expected} == expected
    assert set(report["featured_cases"]) <= {p.stem for p in (FIXTURES / "qinghe/data/cases").glob("*.yml")}
    assert report_problems(qinghe, load_project(qinghe)).items == []


def _first_row_with_amount(path: Path) -> tuple[str, str]:
    for row in csv.reader(io.StringIO(csv_text(path)[0], newline="")):
        if row[7] not in ("", "0", "amount_recovered"):
            return ",".join(row), row[7]
    raise AssertionError("no amount")


def load_project_figures(root: Path) -> dict:
    from rightsite.report import load_year

    figures = load_year(load_project(root), 2024).figures
    assert figures is not None
    return figures


def test_drift_after_changing_one_row(qinghe):
    frozen = fixture_yaml("qinghe", REPORT)["figures"]
    csv_path = qinghe / "data/complaints/2024.csv"
    row, amount = _first_row_with_amount(csv_path)
    edit_csv(csv_path, row, row.replace(f",{amount},", ",0,"))
    problems = report_problems(qinghe, load_project(qinghe))
    [p] = problems.items
    old = frozen["complaints.amount_recovered"]
    assert old == independent_figures("qinghe", 2024)["complaints.amount_recovered"] == 114599.02
    assert (p.rule, p.file, p.field) == ("report.drift", REPORT, "figures.complaints.amount_recovered")
    assert p.line == line_of(qinghe / REPORT, "  complaints.amount_recovered:")
    assert str(old) in p.message and "data/complaints/2024.csv" in p.message and "corrections" in p.message
    new = round(old - float(amount), 2)
    assert str(new) in p.message
    assert load_project_figures(qinghe)["complaints.amount_recovered"] == new


def test_drift_of_an_object_names_the_entry(qinghe):
    csv_path = qinghe / "data/complaints/2024.csv"
    lines = csv_text(csv_path)[0].splitlines()
    row = next(ln for ln in lines[1:] if ",商品质量," in ln)
    edit_csv(csv_path, row, row.replace(",商品质量,", ",价格收费,"))
    found = [p for p in report_problems(qinghe, load_project(qinghe)).items]
    assert {p.rule for p in found} == {"report.drift"}
    # 2024 has no previous year, so the changes and hotspots stay empty: only these four leaves move
    assert sorted(p.field for p in found) == sorted([
        "figures.complaints.by_nature.商品质量", "figures.complaints.by_nature.价格收费",
        "figures.complaints.by_nature.share.商品质量", "figures.complaints.by_nature.share.价格收费"])
    report = qinghe / REPORT
    start = line_of(report, "  complaints.by_nature:")
    by_field = {p.field: p.line for p in found}
    assert by_field["figures.complaints.by_nature.商品质量"] == start + 1
    assert by_field["figures.complaints.by_nature.价格收费"] == start + 3
    share = line_of(report, "  complaints.by_nature.share:")
    assert by_field["figures.complaints.by_nature.share.商品质量"] == share + 1
    assert by_field["figures.complaints.by_nature.share.价格收费"] == share + 3


def test_correction_accepts_the_drift(capsys, qinghe):
    old = load_project_figures(qinghe)["complaints.amount_recovered"]
    csv_path = qinghe / "data/complaints/2024.csv"
    row, amount = _first_row_with_amount(csv_path)
    edit_csv(csv_path, row, row.replace(f",{amount},", ",0,"))
    new = round(old - float(amount), 2)
    report = qinghe / REPORT
    text = report.read_text(encoding="utf-8")
    report.write_text(text + ("corrections:\n  - date: 2025-06-02\n    figure: complaints.amount_recovered\n"
                              f"    old: {old}\n    new: {new}\n"
                              "    reason: 一笔退款经核实未实际到账，台账金额更正为 0。\n"), encoding="utf-8")
    assert report_problems(qinghe, load_project(qinghe)).items == []
    code, data, _ = report_json(capsys, qinghe, "2024")
    assert code == 0 and data["figures"]["complaints.amount_recovered"] == new
    # a correction whose old value is not the published one is itself an error
    report.write_text(report.read_text(encoding="utf-8").replace(f"old: {old}", "old: 1"), encoding="utf-8")
    rules = sorted(p.rule for p in report_problems(qinghe, load_project(qinghe)).items)
    assert rules == ["report.drift", "report.drift"]


def test_report_file_rules(qinghe):
    path = qinghe / "data/reports/2025.yml"
    edit_text(path, "featured_cases: [2025-001,", "featured_cases: [2025-404,")
    edit_text(qinghe / REPORT, "status: published", "status: draft")
    found = {(p.rule, p.file, p.field, p.line) for p in report_problems(qinghe, load_project(qinghe)).items}
    assert ("ref.case", "data/reports/2025.yml", "featured_cases[0]", line_of(path, "featured_cases:")) in found
    assert ("schema.report", REPORT, "figures", line_of(qinghe / REPORT, "figures:")) in found


def edit_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_charts_are_deterministic_text_svg(qinghe):
    pytest.importorskip("matplotlib")
    from rightsite.report import load_year
    from rightsite.report.charts import all_charts

    figures = load_year(load_project(qinghe), 2025).figures
    first, second = all_charts(figures, 2025), all_charts(figures, 2025)
    assert [c.svg for c in first] == [c.svg for c in second]
    for chart in first:
        assert chart.svg.startswith("<svg") and f"<title>{chart.title}</title>" in chart.svg
        assert "Noto Sans CJK SC" in chart.svg and chart.rows
    assert "11月" in first[0].svg and "会员储值" in first[1].svg  # labels stay text
    cats = fixture_yaml("qinghe", "data/categories.yml")
    assert all(n["name"] in first[1].svg for n in cats["natures"])
    assert "储值卡" not in first[1].svg  # the alias is counted under its current name
