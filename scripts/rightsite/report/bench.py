"""Benchmark: the annual report's figures for a million complaint rows (target < 10 s, < 1 GB).

`bench_report()` writes generated rows (rightsite.report.sample) to a temporary CSV, then
reads, checks and computes every complaint figure in a fresh child process, so the peak
memory (resource.getrusage ru_maxrss) is that of the computation alone, not of the
generator. Nothing is written into the repository.

    python -m rightsite.report.bench [--rows N] [--previous-rows N]
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 10.0
TARGET_MB = 1024.0


def _categories(path: Path):
    from ..model.categories import Categories
    from ..model.common import validate_doc
    from ..yamlio import parse_yaml

    record, found = validate_doc(Categories, parse_yaml(path.read_text(encoding="utf-8")))
    if record is None:
        raise SystemExit(f"{path}: {found}")
    return record


def measure(root: Path, year: int) -> dict:
    """Read `root`/data/complaints/YEAR.csv (and YEAR-1 if present) and compute the figures; in-process."""
    from ..problems import Problems
    from ..model.complaints import ComplaintTable, read_complaints
    from .figures import compute_figures

    cats = _categories(root / "data" / "categories.yml")
    base_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    problems = Problems()
    tables: dict[int, ComplaintTable] = {}
    for y in (year - 1, year):
        path = root / "data" / "complaints" / f"{y}.csv"
        if path.exists():
            table = read_complaints(path, f"data/complaints/{y}.csv", y, cats, problems)
            assert table is not None  # the generated exports read without errors
            tables[y] = table
    read_s = time.perf_counter() - start
    figures = compute_figures(year, tables[year], tables.get(year - 1), cats)
    seconds = time.perf_counter() - start
    return {
        "rows": len(tables[year]), "previous_rows": len(tables[year - 1]) if year - 1 in tables else 0,
        "errors": problems.counts()["error"], "read_seconds": round(read_s, 3), "seconds": round(seconds, 3),
        "baseline_rss_mb": round(base_mb, 1), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "total": figures["complaints.total"], "median_days": figures["complaints.days_to_close.median"],
    }


def bench_report(rows: int = 1_000_000, previous_rows: int = 0, year: int = 2025, seed: int = 7) -> dict:
    """Generate `rows` complaints (and `previous_rows` for the year before), time the figures in a child process.

    Returns the child's measurements plus `generate_seconds`, `csv_mb` and `ok`
    (True when within TARGET_SECONDS and TARGET_MB).
    """
    from .sample import generate_rows, write_csv

    src = Path(__file__).resolve().parents[3] / "data" / "categories.yml"
    with tempfile.TemporaryDirectory(prefix="rightsite-bench-") as tmp:
        root = Path(tmp)
        (root / "data").mkdir()
        (root / "data" / "categories.yml").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
        start = time.perf_counter()
        csv_path = root / "data" / "complaints" / f"{year}.csv"
        write_csv(csv_path, generate_rows(year, rows, seed))
        if previous_rows:
            write_csv(root / "data" / "complaints" / f"{year - 1}.csv", generate_rows(year - 1, previous_rows, seed + 1))
        generated = time.perf_counter() - start
        size_mb = sum(p.stat().st_size for p in csv_path.parent.glob("*.csv")) / 2**20
        child = subprocess.run([sys.executable, "-m", "rightsite.report.bench", "--measure", str(root), str(year)],
                               capture_output=True, text=True, check=True)
    result = json.loads(child.stdout)
    result.update(generate_seconds=round(generated, 1), csv_mb=round(size_mb, 1),
                  ok=result["seconds"] < TARGET_SECONDS and result["peak_rss_mb"] < TARGET_MB and result["errors"] == 0)
    return result


def _arg(args: list[str], name: str, default: int) -> int:
    return int(args[args.index(name) + 1]) if name in args else default


if __name__ == "__main__":
    argv = sys.argv[1:]
    if argv[:1] == ["--measure"]:
        print(json.dumps(measure(Path(argv[1]), int(argv[2]))))
    else:
        out = bench_report(_arg(argv, "--rows", 1_000_000), _arg(argv, "--previous-rows", 0))
        print(json.dumps(out, ensure_ascii=False, indent=2))
        sys.exit(0 if out["ok"] else 1)
