"""Time every phase of one project in this process: `python -m rightsite.bench.one ROOT OUT`.

Prints one JSON object: seconds per phase and the peak resident memory (MB).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

TODAY = dt.date(2026, 11, 25)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_phases(root: Path, out: Path) -> dict:
    from ..build import _setup_logging, build_site
    from ..guard import run_guard
    from ..load import load_project

    _setup_logging()
    logging_quiet()
    t: dict = {}
    t0 = time.perf_counter()
    project = load_project(root)
    t["load"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    problems = run_guard(project, TODAY)
    t["guard"] = time.perf_counter() - t0
    problems.extend(project.problems)
    t["errors"] = problems.counts()["error"]
    site = out / "site"
    shutil.rmtree(site, ignore_errors=True)
    t0 = time.perf_counter()
    ok = build_site(root, TODAY, site, preloaded=(project, problems), downloads=False)
    t["website"] = time.perf_counter() - t0
    t["website_ok"] = ok
    if ok:  # again, with the caches the first run filled (charts, share pictures, templates)
        again = out / "site-warm"
        shutil.rmtree(again, ignore_errors=True)
        t0 = time.perf_counter()
        build_site(root, TODAY, again, preloaded=(project, problems), downloads=False)
        t["website_warm"] = time.perf_counter() - t0
        shutil.rmtree(again, ignore_errors=True)
    try:
        from ..pdf import build_pdfs
    except ImportError:
        build_pdfs = None  # type: ignore[assignment]  # no WeasyPrint: time the rest
    if build_pdfs:  # type: ignore[truthy-function]
        t0 = time.perf_counter()
        _, stats = build_pdfs(project, TODAY, site, root / ".cache")
        t["pdfs"] = time.perf_counter() - t0
        t["pdfs_rendered"] = stats.get("rendered")
        docs = stats.get("documents", {})
        flyers = [d["seconds"] for k, d in docs.items() if "/flyers/" in k and "seconds" in d]
        t["flyer_max_s"] = max(flyers) if flyers else None
        hb = docs.get("downloads/handbook.pdf", {})
        t["handbook_layout_s"], t["handbook_write_s"] = hb.get("layout"), hb.get("write")
        t["handbook_pages"] = hb.get("pages")
        t0 = time.perf_counter()
        _, again = build_pdfs(project, TODAY, site, root / ".cache")  # nothing changed: all reused
        t["pdfs_again"] = time.perf_counter() - t0
        t["pdfs_again_rendered"] = again.get("rendered")
    from ..report import load_year

    t0 = time.perf_counter()
    for year in sorted(project.complaints):
        load_year(project, year)
    t["report"] = time.perf_counter() - t0
    t["peak_mb"] = round(_peak_mb(), 1)
    t["search_index_kb"] = round((site / "search" / "search_index.json").stat().st_size / 1024, 1) if ok else None
    gz = site / "search" / "search_index.json.gz"
    t["search_index_gz_kb"] = round(gz.stat().st_size / 1024, 1) if gz.exists() else None
    return t


def logging_quiet() -> None:
    import logging

    for name in ("mkdocs", "rightsite", "mkdocs.plugins.rightsite"):
        logging.getLogger(name).setLevel(logging.ERROR)


if __name__ == "__main__":
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    root, out = Path(sys.argv[1]), Path(sys.argv[2])
    print(json.dumps(time_phases(root, out)))
