"""`make bench` keeps issue 15's table: each figure with its target and whether it is met."""
from rightsite.bench.__main__ import TARGETS, target_rows


def test_each_figure_is_judged_against_its_target_at_its_scales():
    results = {"scales": {
        "1": {"website_ratio": 1.81, "rebuild_unchanged": 3.4, "flyer_max_s": 0.14, "full_build": 9.0},
        "10": {"website_ratio": 0.9, "full_build": 78.7, "flyer_max_s": 0.7, "search_index_gz_kb": 502.0, "search_first_result_kb_lunr": 577.5},
        "50": {"search_first_result_kb_lunr": 280.0, "flyer_max_s": None},
    }}
    got = [(r["figure"], r["scale"], r["value"], r["met"]) for r in target_rows(results)]
    assert got == [
        ("website_ratio", "1", 1.81, False), ("website_ratio", "10", 0.9, True),
        ("full_build", "10", 78.7, False),  # the 1× full build has no target
        ("rebuild_unchanged", "1", 3.4, False),
        ("flyer_max_s", "1", 0.14, True), ("flyer_max_s", "10", 0.7, False),  # an unmeasured 50× is left out
        ("search_first_result_kb_lunr", "50", 280.0, True),  # the 10× figure has no target of its own
    ]
    assert {t[0] for t in TARGETS} >= {"website_ratio", "full_build", "rebuild_unchanged", "flyer_max_s",
                                       "search_first_result_kb_lunr", "make_test_s"}


def test_a_synthetic_project_passes_the_guard(tmp_path, capsys):
    """The bench measures a project the build accepts: every copied record, inspections included,
    points at its own copy of a standard (a build that aborts measures nothing)."""
    from pathlib import Path

    from conftest import ROOT, check_json
    from rightsite.bench.synth import make_project

    project = make_project(Path(ROOT), tmp_path / "x3", 3)
    code, found = check_json(capsys, project)
    assert [p for p in found["problems"] if p["level"] == "error"] == []
    assert code == 0
    standards = sorted(p.stem for p in (project / "data" / "standards").glob("*.yml"))
    inspections = list((project / "data" / "inspections").glob("*.yml"))
    assert len(inspections) == 3 * len(list((ROOT / "data" / "inspections").glob("*.yml")))
    assert len(standards) == 3 * len(list((ROOT / "data" / "standards").glob("*.yml")))


def test_inspection_ids_stay_in_their_format_at_fifty_times(tmp_path):
    """Ids are YYYY-NNN: at 50× the copies of the inspections stop at 999 a year (the 50× build
    was refused for 2025-1000.yml), and each points at an existing copy of its standard."""
    import re

    from conftest import ROOT
    from rightsite.bench.synth import _inspections, _standards

    _inspections(ROOT, tmp_path / "inspections", 50)
    _standards(ROOT, tmp_path / "standards", 50)
    ids = [p.stem for p in (tmp_path / "inspections").glob("*.yml")]
    assert ids and all(re.fullmatch(r"\d{4}-\d{3}", i) for i in ids), sorted(ids)[-3:]
    assert len(ids) > 10 * len(list((ROOT / "data" / "inspections").glob("*.yml")))
    standards = {p.stem for p in (tmp_path / "standards").glob("*.yml")}
    pointed = {re.search(r"^standard: (\S+)$", p.read_text(encoding="utf-8"), re.M).group(1)
               for p in (tmp_path / "inspections").glob("*.yml")}
    assert pointed <= standards
