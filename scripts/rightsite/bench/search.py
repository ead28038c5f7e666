"""Search on a phone: today's search (Material's lunr worker with jieba) against Pagefind, on a built site.

`python -m rightsite.bench.search SITE_DIR... [--rank NAME=SITE_DIR ...]` prints a table.

(a) Bytes before the first result: the site is served on 127.0.0.1 as nginx `gzip_static on; gzip on;`
    would serve it (a file's `.gz` twin if there is one, else text compressed on the fly; Pagefind's own
    files are already gzip data and go as they are). Headless Chromium opens a page in a fresh context
    (nothing cached), types a query and waits for the first result; the server counts the body bytes of
    every search file sent until then. Material: the worker, the lunr language files, the index.
    Pagefind: `pagefind.js`, its worker, the wasm, the entry and meta files, the index chunks and
    fragments the query needed ("core"), and separately its Default UI's script and stylesheet ("ui").
(b) Ranking: for each query of tests/search_queries.yml, the position of the expected page among the
    pages each engine lists (a page's sections count as the page).

Pagefind is not a dependency of the project: give its command with `--pagefind` or RIGHTSITE_PAGEFIND
(e.g. `/tmp/pf/bin/python -m pagefind`), else `python -m pagefind` if importable, else `pagefind` on PATH.
It writes its bundle into a temporary folder, never into the site.
"""
from __future__ import annotations

import argparse
import gzip
import http.server
import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote, urlparse

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
# words a consumer types, present in the sample (and so in every synthetic copy of it)
BYTE_QUERIES = ("退货", "预付卡", "明码标价", "三倍赔偿")
BENCH_PAGE = "/_search_bench/"
PAGEFIND_ARGS = ("--root-selector", "article.md-content__inner", "--exclude-selectors", "[data-search-exclude]",
                 "--exclude-selectors", ".headerlink", "--glob", "**/index.html")
TEXT_TYPES = (".html", ".js", ".css", ".json", ".svg", ".xml", ".txt")
MATERIAL_SEARCH = ("search/search_index.json", "assets/javascripts/workers/", "assets/javascripts/lunr/")
PAGEFIND_UI = ("pagefind-ui.js", "pagefind-ui.css")

_BENCH_HTML = """<!doctype html><html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>搜索</title>
<link href="/pagefind/pagefind-ui.css" rel="stylesheet"><script src="/pagefind/pagefind-ui.js"></script>
</head><body><div id="search"></div>
<script>window.addEventListener("DOMContentLoaded",function(){new PagefindUI({element:"#search",showSubResults:true,showImages:false})});</script>
</body></html>"""


# -- the server ---------------------------------------------------------------------------------------
class _Counter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: list[tuple[str, int]] = []

    def add(self, path: str, n: int) -> None:
        with self.lock:
            self.sent.append((path, n))

    def take(self) -> list[tuple[str, int]]:
        with self.lock:
            out, self.sent = self.sent, []
        return out


def _handler(site: Path, bundle: Path | None, counter: _Counter):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = unquote(urlparse(self.path).path)
            if path == BENCH_PAGE and bundle is not None:
                return self._send(path, _BENCH_HTML.encode("utf-8"), "text/html; charset=utf-8", gz_ok=True)
            if path.startswith("/pagefind/") and bundle is not None:
                file = bundle / path[len("/pagefind/"):]
            else:
                file = site / path.lstrip("/")
            if file.is_dir():
                file = file / "index.html"
            try:
                file.resolve().relative_to((bundle if path.startswith("/pagefind/") and bundle else site).resolve())
            except ValueError:
                return self._missing()
            if not file.is_file():
                return self._missing()
            accepts = "gzip" in self.headers.get("Accept-Encoding", "")
            twin = file.with_name(file.name + ".gz")
            ctype = _content_type(file)
            if accepts and twin.is_file():
                return self._send(path, twin.read_bytes(), ctype, encoded=True)
            return self._send(path, file.read_bytes(), ctype, gz_ok=accepts and file.suffix in TEXT_TYPES)

        def _missing(self) -> None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, path: str, body: bytes, ctype: str, encoded: bool = False, gz_ok: bool = False) -> None:
            if gz_ok and not encoded:  # nginx `gzip on` for a file without a twin
                body, encoded = gzip.compress(body, compresslevel=6, mtime=0), True
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            if encoded:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
            counter.add(path, len(body))

    return Handler


def _content_type(file: Path) -> str:
    return {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
            ".json": "application/json", ".svg": "image/svg+xml", ".wasm": "application/wasm",
            ".png": "image/png", ".xml": "application/xml"}.get(file.suffix, "application/octet-stream")


@contextmanager
def serve(site: Path, bundle: Path | None = None) -> Iterator[tuple[str, _Counter]]:
    """Serve `site` (and a Pagefind bundle at /pagefind/) on 127.0.0.1; yields (base URL, byte counter)."""
    counter = _Counter()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(site, bundle, counter))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", counter
    finally:
        server.shutdown()
        server.server_close()


# -- Pagefind -----------------------------------------------------------------------------------------
def pagefind_command(given: str | None = None) -> list[str] | None:
    """How to run Pagefind here, or None."""
    given = given or os.environ.get("RIGHTSITE_PAGEFIND")
    if given:
        return shlex.split(given)
    if importlib.util.find_spec("pagefind") is not None:
        return [sys.executable, "-m", "pagefind"]
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return [found] if found else None


def build_pagefind(site: Path, out: Path, command: list[str]) -> dict:
    """Index `site` into `out` (not into the site); returns seconds, version and the bundle's sizes."""
    t0 = time.perf_counter()
    res = subprocess.run([*command, "--site", str(site), "--output-path", str(out), *PAGEFIND_ARGS],
                         capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if res.returncode != 0:
        raise RuntimeError(res.stdout[-2000:] + res.stderr[-2000:])
    version = subprocess.run([*command, "--version"], capture_output=True, text=True).stdout.strip()
    files = [p for p in out.rglob("*") if p.is_file()]
    return {"index_s": round(seconds, 2), "version": version,
            "bundle_kb": round(sum(p.stat().st_size for p in files) / 1024, 1),
            "index_chunks": sum(1 for p in files if p.suffix == ".pf_index"),
            "fragments": sum(1 for p in files if p.suffix == ".pf_fragment")}


# -- the browser --------------------------------------------------------------------------------------
@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
            "--no-first-run", "--disable-component-update", "--disable-sync"])
        try:
            yield browser
        finally:
            browser.close()


def _phone(browser: Any) -> Any:
    return browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                               locale="zh-CN", service_workers="block")


def material_search(page: Any, query: str, timeout: float = 120000) -> list[str]:
    """Type `query` into Material's search box; the hrefs of the results, in order."""
    box = page.locator("input.md-search__input")
    opener = page.locator("label.md-header__button[for='__search']")
    if opener.is_visible():  # a phone: the search icon in the header opens the box
        opener.click()
        page.wait_for_timeout(400)  # the box slides in
    box.click()
    box.fill(query)
    box.press("End")  # Material searches on keyup
    # results, or Material's "no result" line in place of its "initialising" one
    page.wait_for_function("""() => document.querySelector('.md-search-result__item') ||
        /没有|No match/.test(document.querySelector('.md-search-result__meta').textContent)""", timeout=timeout)
    return page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.getAttribute('href'))")


def _split(sent: list[tuple[str, int]]) -> dict:
    lunr = sum(n for p, n in sent if any(s in p for s in MATERIAL_SEARCH))
    ui = sum(n for p, n in sent if p.startswith("/pagefind/") and p.rsplit("/", 1)[-1] in PAGEFIND_UI)
    core = sum(n for p, n in sent if p.startswith("/pagefind/")) - ui
    files: dict[str, int] = {}
    for p, n in sent:
        if p.startswith("/pagefind/") or any(s in p for s in MATERIAL_SEARCH):
            files[p] = files.get(p, 0) + n
    return {"lunr": lunr, "pagefind_core": core, "pagefind_ui": ui, "files": dict(sorted(files.items()))}


def bytes_material(browser: Any, base: str, counter: _Counter, query: str) -> dict:
    """Search files sent from opening the home page to Material's first result."""
    ctx = _phone(browser)
    try:
        page = ctx.new_page()
        counter.take()
        page.goto(base + "/", wait_until="networkidle")
        t0 = time.perf_counter()
        hits = material_search(page, query)
        shown = time.perf_counter() - t0
        out = _split(counter.take())
        return {"bytes": out["lunr"], "files": out["files"], "first_result_s": round(shown, 2), "results": len(hits)}
    finally:
        ctx.close()


def bytes_pagefind(browser: Any, base: str, counter: _Counter, query: str) -> dict:
    """Pagefind files sent from opening a page with its Default UI to the first result shown."""
    ctx = _phone(browser)
    try:
        page = ctx.new_page()
        counter.take()
        page.goto(base + BENCH_PAGE, wait_until="networkidle")
        t0 = time.perf_counter()
        box = page.locator(".pagefind-ui__search-input")
        box.click()
        box.fill(query)
        page.wait_for_selector(".pagefind-ui__result-link", timeout=120000)
        shown = time.perf_counter() - t0
        out = _split(counter.take())
        return {"bytes": out["pagefind_core"] + out["pagefind_ui"], "core": out["pagefind_core"], "ui": out["pagefind_ui"],
                "files": out["files"], "first_result_s": round(shown, 2)}
    finally:
        ctx.close()


_PAGEFIND_QUERY = """async (q) => {
  window.__pf = window.__pf || await import('/pagefind/pagefind.js');
  const r = await window.__pf.search(q);
  const data = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
  return data.map(d => d.url);
}"""


def _pages(hrefs: list[str]) -> list[str]:
    """Result links as page paths without slashes at the ends, a page once, in order."""
    out: list[str] = []
    for h in hrefs:
        p = urlparse(h).path.strip("/")
        if p.endswith("index.html"):
            p = p[: -len("index.html")].strip("/")
        if p not in out:
            out.append(p)
    return out


def rank(browser: Any, base: str, queries: list[dict], pagefind: bool) -> dict:
    """Each query's expected page's position (1-based, None if not in the first 10) per engine."""
    engines: dict[str, list] = {"lunr": []}
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        page = ctx.new_page()
        for q in queries:
            page.goto(base + "/", wait_until="networkidle")
            found = _pages(material_search(page, q["query"]))
            engines["lunr"].append(_position(found, q["expected"]))
        if pagefind:
            engines["pagefind"] = []
            page.goto(base + BENCH_PAGE, wait_until="networkidle")
            for q in queries:
                found = _pages(page.evaluate(_PAGEFIND_QUERY, q["query"]))
                engines["pagefind"].append(_position(found, q["expected"]))
    finally:
        ctx.close()
    out = {}
    for name, positions in engines.items():
        out[name] = {"top1": sum(1 for p in positions if p == 1), "top3": sum(1 for p in positions if p and p <= 3),
                     "queries": len(positions),
                     "positions": {q["query"]: p for q, p in zip(queries, positions)}}
    return out


def _position(found: list[str], expected: str) -> int | None:
    want = expected.strip("/")
    return next((i for i, p in enumerate(found[:10], 1) if p == want), None)


def load_queries(path: Path, name: str) -> list[dict]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data[name])


# -- the comparison -----------------------------------------------------------------------------------
def compare_search(site_dir: Path, queries: list[dict] | None = None, pagefind: str | None = None,
                   byte_queries: tuple[str, ...] = BYTE_QUERIES) -> dict:
    """Both engines on one built site: bytes before the first result (per query, and the largest),
    Pagefind's indexing time and bundle, and with `queries` ({query, expected}) the ranking."""
    site_dir = Path(site_dir)
    command = pagefind_command(pagefind)
    pages = sum(1 for _ in site_dir.rglob("index.html"))
    result: dict[str, Any] = {"site": str(site_dir), "pages": pages}
    with tempfile.TemporaryDirectory(prefix="rs-pagefind-") as tmp:
        bundle = Path(tmp) / "pagefind" if command else None
        if command and bundle is not None:
            result["pagefind_build"] = build_pagefind(site_dir, bundle, command)
        else:
            result["pagefind_build"] = None
        with serve(site_dir, bundle) as (base, counter), chromium() as browser:
            lunr = {q: bytes_material(browser, base, counter, q) for q in byte_queries}
            result["lunr"] = {"per_query": lunr, "max_bytes": max(v["bytes"] for v in lunr.values())}
            if bundle is not None:
                pf = {q: bytes_pagefind(browser, base, counter, q) for q in byte_queries}
                result["pagefind"] = {"per_query": pf, "max_bytes": max(v["bytes"] for v in pf.values()),
                                      "max_core": max(v["core"] for v in pf.values())}
            if queries:
                result["ranking"] = rank(browser, base, queries, pagefind=bundle is not None)
    return result


def figures(result: dict) -> dict:
    """The few numbers of `compare_search`'s result a results table wants (KB, seconds)."""
    pf = result.get("pagefind") or {}

    def kb(n: int | None) -> float | None:
        return None if n is None else round(n / 1024, 1)

    out = {"search_first_result_kb_lunr": kb(result["lunr"]["max_bytes"]),
           "search_first_result_kb_pagefind": kb(pf.get("max_bytes")),
           "search_first_result_kb_pagefind_core": kb(pf.get("max_core")),
           "pagefind_index_s": (result.get("pagefind_build") or {}).get("index_s")}
    for name, rk in (result.get("ranking") or {}).items():
        out[f"search_top1_{name}"], out[f"search_top3_{name}"] = rk["top1"], rk["top3"]
    return out


def _kb(n: int | None) -> str:
    return "—" if n is None else f"{n / 1024:.1f}"


def print_table(results: list[dict]) -> None:
    print(f"{'site':<40} {'pages':>6} {'lunr KB':>9} {'pagefind KB':>12} {'(core':>8} {'+ ui)':>7} {'pf index s':>11}")
    for r in results:
        pf = r.get("pagefind") or {}
        ui = max((v["ui"] for v in pf.get("per_query", {}).values()), default=None)
        build = r.get("pagefind_build") or {}
        print(f"{r['site'][-40:]:<40} {r['pages']:>6} {_kb(r['lunr']['max_bytes']):>9} {_kb(pf.get('max_bytes')):>12}"
              f" {_kb(pf.get('max_core')):>8} {_kb(ui):>7} {str(build.get('index_s', '—')):>11}")
        for q, v in r["lunr"]["per_query"].items():
            p = pf.get("per_query", {}).get(q)
            print(f"    {q:<10} lunr {_kb(v['bytes']):>7} KB {v['first_result_s']:>5.2f} s"
                  + (f"   pagefind {_kb(p['bytes']):>7} KB (core {_kb(p['core'])}) {p['first_result_s']:>5.2f} s" if p else ""))
        for name, rk in (r.get("ranking") or {}).items():
            print(f"    ranking {name:<9} top-1 {rk['top1']}/{rk['queries']}  top-3 {rk['top3']}/{rk['queries']}")
            missed = {q: p for q, p in rk["positions"].items() if not p or p > 3}
            if missed:
                print(f"        not in the top 3: {missed}")
    if results and results[0].get("pagefind_build"):
        print(f"pagefind: {results[0]['pagefind_build']['version']}")


def main(argv: list[str] | None = None) -> int:
    import json

    ap = argparse.ArgumentParser(prog="python -m rightsite.bench.search", description=__doc__.splitlines()[0])
    ap.add_argument("sites", nargs="*", type=Path, help="built sites: bytes before the first result")
    ap.add_argument("--rank", action="append", default=[], metavar="NAME=SITE",
                    help="a built fixture site and its name in the queries file (qinghe=…/site): ranking too")
    ap.add_argument("--queries", type=Path, default=Path(__file__).resolve().parents[3] / "tests" / "search_queries.yml")
    ap.add_argument("--pagefind", help="the command that runs Pagefind (default: RIGHTSITE_PAGEFIND, then python -m pagefind)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    jobs: list[tuple[Path, list[dict] | None]] = [(s, None) for s in args.sites]
    for item in args.rank:
        name, _, site = item.partition("=")
        jobs.append((Path(site), load_queries(args.queries, name)))
    if not jobs:
        ap.error("give at least one site")
    results = [compare_search(site, queries, args.pagefind) for site, queries in jobs]
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
