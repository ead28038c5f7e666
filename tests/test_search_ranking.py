"""The shipped search finds what a consumer types: each query of tests/search_queries.yml has its
expected page among the first three pages Material's search box lists, on the fixture it was written for.

Each fixture is built once per run by conftest's `built_fixture` and served on 127.0.0.1 as with
nginx `gzip_static on`. A page's sections count as the page. rightsite.bench.search runs the same
queries through Pagefind for comparison (not here: Pagefind is not a dependency of the site).
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from conftest import ROOT
from static_server import CHROMIUM, chromium, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUERIES = yaml.safe_load((ROOT / "tests" / "search_queries.yml").read_text(encoding="utf-8"))
CASES = [pytest.param(name, q["query"], q["expected"], id=f"{name}-{q['query']}",
                      marks=[pytest.mark.xfail(strict=True, reason=q["shipped_miss"])] if q.get("shipped_miss") else [])
         for name in ("qinghe", "nanyu") for q in QUERIES[name]]


@pytest.fixture(scope="module")
def site_urls(built_fixture):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs the Debian package chromium")
    with contextlib.ExitStack() as stack:
        urls = {}
        for name in ("qinghe", "nanyu"):
            built = built_fixture(name)
            assert built.code == 0, built.err
            urls[name] = stack.enter_context(serve(built.site))
        yield urls


@pytest.fixture(scope="module")
def desktop():
    with chromium() as browser:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        yield ctx
        ctx.close()


def _search(page, query: str) -> list[str]:
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    # Material searches on keyup; an IME user always produces one, fill() does not
    box.press("End")
    # results, or Material's "no result" line in place of its "initialising" one
    page.wait_for_function("""() => document.querySelector('.md-search-result__item') ||
        /没有|No match/.test(document.querySelector('.md-search-result__meta').textContent)""", timeout=15000)
    page.wait_for_timeout(300)
    return page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.getAttribute('href'))")


def _pages(hrefs: list[str]) -> list[str]:
    """Result links as page paths, each page once, in the order listed."""
    out: list[str] = []
    for h in hrefs:
        p = urlparse(h).path.lstrip("/")
        if p not in out:
            out.append(p)
    return out


def test_queries_name_pages_that_exist(built_fixture):
    """A query whose expected page is not built would test nothing."""
    queries = [(name, q["query"], q["expected"]) for name in ("qinghe", "nanyu") for q in QUERIES[name]]
    for name, query, expected in queries:
        assert (built_fixture(name).site / expected / "index.html").is_file(), (name, query, expected)
    assert len(queries) >= 22 and len({(n, q) for n, q, _ in queries}) == len(queries)


@pytest.mark.parametrize("fixture,query,expected", CASES)
def test_expected_page_is_in_the_top_three(desktop, site_urls, fixture, query, expected):
    page = desktop.new_page()
    try:
        page.goto(site_urls[fixture], wait_until="networkidle")
        pages = _pages(_search(page, query))
        assert expected in pages[:3], f"{query}: {pages[:5]}"
    finally:
        page.close()
