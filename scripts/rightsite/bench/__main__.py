"""`python -m rightsite.bench [--scales 1,10,50]`: print a table, write bench/results.json."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ..cli import find_root
from .one import TODAY
from .plain import plain_project, time_plain
from .synth import make_project

PHASES = ("load", "guard", "website", "pdfs", "report")


def run_one(project: Path, out: Path) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    res = subprocess.run([sys.executable, "-m", "rightsite.bench.one", str(project), str(out)],
                         capture_output=True, text=True, env=env)
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def search_figures(site: Path) -> dict:
    """KB a phone downloads before the first search result, today's search and (where the
    `pagefind` command is installed, or named by RIGHTSITE_PAGEFIND) Pagefind on the same pages."""
    from .search import compare_search, figures

    try:
        return figures(compare_search(site))
    except Exception as exc:  # no Chromium here: the rest of the table still stands
        print(f"search comparison skipped: {type(exc).__name__}: {exc}", file=sys.stderr)
        return {}


def time_check(project: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rightsite", "--root", str(project), "check", "--today", TODAY.isoformat()],
                   capture_output=True, text=True)
    return time.perf_counter() - t0


def time_build(project: Path) -> float:
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "rightsite", "--root", str(project), "build", "--today", TODAY.isoformat()],
                         capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-3000:])
    return time.perf_counter() - t0


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_serve_edit(project: Path, port: int | None = None, limit: float = 120.0) -> float | None:
    """`mkdocs serve --dirty` as `make serve` runs it: seconds from saving an edited case
    to the edited text being served. Loopback only; every wait is bounded."""
    import re
    import signal
    import urllib.request

    port = port or _free_port()
    mkdocs = Path(sys.executable).parent / "mkdocs"
    proc = subprocess.Popen([str(mkdocs), "serve", "-a", f"127.0.0.1:{port}", "--dirty", "--no-strict"], cwd=project,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
                            start_new_session=True)
    case = sorted((project / "data" / "cases").glob("*.yml"))[0]
    url = f"http://127.0.0.1:{port}/cases/{case.stem}/"

    def fetch() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read().decode("utf-8")
        except OSError:
            return ""

    try:
        t_end = time.monotonic() + limit
        while "<h1" not in fetch():
            if time.monotonic() > t_end or proc.poll() is not None:
                return None
            time.sleep(0.5)
        time.sleep(2)  # let the watcher settle
        marker = f"编辑标记{int(time.time())}"
        text = case.read_text(encoding="utf-8")
        case.write_text(re.sub(r"^title: (.*)$", lambda m: f"title: {m.group(1)}{marker}", text, count=1, flags=re.M),
                        encoding="utf-8")
        t0 = time.monotonic()
        while marker not in fetch():
            if time.monotonic() - t0 > 60:
                return None
            time.sleep(0.05)
        return time.monotonic() - t0
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1,10,50")
    ap.add_argument("--tests", action="store_true", help="also time the whole test suite (make test's figure)")
    ap.add_argument("--no-search", dest="search", action="store_false",
                    help="skip the search comparison in Chromium (bytes before the first result)")
    args = ap.parse_args()
    root = find_root() or Path.cwd()
    out_root = root / "bench" / "out"
    results: dict = {"today": TODAY.isoformat(), "scales": {}}
    for k in [int(x) for x in args.scales.split(",")]:
        project = make_project(root, out_root / f"x{k}" / "project", k)
        r = run_one(project, out_root / f"x{k}")
        r["check_cli"] = time_check(project)
        plain = plain_project(project, out_root / f"x{k}" / "plain", TODAY)
        r["plain_mkdocs"] = time_plain(plain)
        # a website phase that failed measured nothing: no ratio, and the table says so
        r["website_ratio"] = r["website"] / r["plain_mkdocs"] if r["plain_mkdocs"] and r.get("website_ok") else None
        r["website_ratio_warm"] = r["website_warm"] / r["plain_mkdocs"] if r["plain_mkdocs"] and r.get("website_warm") else None
        if not r.get("website_ok"):
            print(f"{k}×: the website phase failed ({r.get('errors')} errors): its figures are left out", file=sys.stderr)
        r["counts"] = {kind: len(list((project / "data" / kind).glob("*.yml"))) for kind in ("cases", "events", "standards")}
        r["counts"]["chapters"] = len(list((project / "content" / "handbook").glob("*.md")))
        if args.search and r.get("website_ok"):
            r.update(search_figures(out_root / f"x{k}" / "site"))
        if k == 1:
            r["full_build"] = time_build(project)
            r["rebuild_unchanged"] = time_build(project)
        if k == 10:
            shutil.rmtree(project / ".cache", ignore_errors=True)  # a cold build, as on a fresh clone
            r["full_build"] = time_build(project)
            r["serve_edit_to_page"] = time_serve_edit(project)
        results["scales"][str(k)] = r
        print(f"{k}× done", file=sys.stderr)
    scales = results["scales"]
    if "10" in scales and "50" in scales:
        results["growth_10_to_50"] = {p: round(scales["50"][p] / scales["10"][p], 2)
                                      for p in PHASES if scales["10"].get(p) and scales["50"].get(p)}
    if args.tests and "1" in scales:
        scales["1"]["make_test_s"] = time_tests(root)
    results["targets"] = target_rows(results)
    _print_table(results)
    _print_targets(results["targets"])
    (root / "bench").mkdir(exist_ok=True)
    (root / "bench" / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


# issue 15's table: (figure, label, scales it is measured at, target, unit); `None` scales = every scale
TARGETS = [
    ("website_ratio", "website phase / plain mkdocs build", None, 1.3, "×"),
    ("website_ratio_warm", "website phase, warm caches / plain mkdocs build", None, 1.3, "×"),
    ("full_build", "rightsite build, cold caches (10×)", ("10",), 45.0, "s"),
    ("rebuild_unchanged", "rebuild with nothing changed (1×)", ("1",), 2.0, "s"),
    ("flyer_max_s", "slowest flyer", None, 0.3, "s"),
    ("search_first_result_kb_lunr", "search: KB transferred before the first result (50×)", ("50",), 300.0, "KB"),
    ("make_test_s", "make test (--tests)", ("1",), 180.0, "s"),
]


def target_rows(results: dict) -> list[dict]:
    """Each figure with its target and whether it is met, at each scale it applies to."""
    rows = []
    for key, label, at, limit, unit in TARGETS:
        for k, r in results["scales"].items():
            if (at is None or k in at) and isinstance(r.get(key), (int, float)):
                rows.append({"figure": key, "label": label, "scale": k, "value": round(float(r[key]), 3),
                             "target": limit, "unit": unit, "met": float(r[key]) <= limit})
    return rows


def _print_targets(rows: list[dict]) -> None:
    print("\nfigure                                                  scale      value     target  met")
    for row in rows:
        print(f"{row['label']:<55} {row['scale'] + '×':>5} {row['value']:>10.2f} {'≤ ' + str(row['target']):>10}"
              f" {row['unit']:<3}{'yes' if row['met'] else 'NO'}")


def time_tests(root: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "auto", "-p", "no:cacheprovider"], cwd=root,
                   capture_output=True, text=True)
    return time.perf_counter() - t0


def _print_table(results: dict) -> None:
    cols = ["load", "guard", "website", "website_warm", "plain_mkdocs", "website_ratio", "website_ratio_warm", "pdfs",
            "report", "check_cli", "peak_mb",
            "search_index_kb", "search_index_gz_kb", "search_first_result_kb_lunr", "search_first_result_kb_pagefind"]
    print("scale  " + "  ".join(f"{c:>14}" for c in cols))
    for k, r in results["scales"].items():
        cells = []
        for c in cols:
            v = r.get(c)
            cells.append(f"{v:>14.2f}" if isinstance(v, float) else f"{str(v):>14}")
        print(f"{k + '×':<6} " + "  ".join(cells))
        print(f"       counts {r['counts']}")
    for k, r in results["scales"].items():
        if r.get("flyer_max_s") is not None:
            print(f"{k}× PDFs: slowest flyer {r['flyer_max_s']:.2f} s; handbook {r['handbook_pages']} pages, layout "
                  f"{r['handbook_layout_s']:.2f} s + write {r['handbook_write_s']:.2f} s; second run renders "
                  f"{r['pdfs_again_rendered']} in {r['pdfs_again']:.2f} s")
    one = results["scales"].get("1", {})
    if "full_build" in one:
        print(f"1× full build {one['full_build']:.2f} s; rebuild with nothing changed {one['rebuild_unchanged']:.2f} s")
    ten = results["scales"].get("10", {})
    if ten.get("full_build") is not None:
        print(f"10× full build (rightsite build, cold caches) {ten['full_build']:.2f} s")
    if ten.get("serve_edit_to_page") is not None:
        print(f"10× make serve: edited case served {ten['serve_edit_to_page']:.2f} s after saving")
    if "growth_10_to_50" in results:
        print("growth 10×→50× (5.0 = linear): " + ", ".join(f"{k} {v}" for k, v in results["growth_10_to_50"].items()))


if __name__ == "__main__":
    sys.exit(main())
