"""`make serve` shows the guard's problems on the pages instead of stopping (issue 14, item 4).

The preview is built the way `mkdocs serve` builds it (the plugin told it is serving), into a folder
of the test, from a broken copy of a fixture project. The public build of the same copy is refused.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import TODAY, edit, line_of, run_cli

CASE_BAD = "data/cases/2026-001.yml"  # a required date that does not exist: no record at all
CASE_ODD = "data/cases/2025-001.yml"  # an unknown field: the record is shown, with its problem


def preview_build(root: Path, site: Path, monkeypatch) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    monkeypatch.setenv("RIGHTSITE_TODAY", TODAY)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.chdir(root)
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=False)
    config.plugins.on_startup(command="serve", dirty=False)
    setattr(config.plugins["rightsite"], "downloads", False)  # the PDFs are not what this is about
    build(config)


def text_of(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))


@pytest.fixture
def broken(qinghe):
    edit(qinghe / CASE_BAD, "received: 2026-03-09", "received: 2026-02-30")
    edit(qinghe / CASE_ODD, "closed: 2025-02-14", "closed: 2025-02-14\nremark: <b>店长</b>说明")
    return qinghe


def test_the_preview_shows_each_record_problem_on_its_page(broken, tmp_path, monkeypatch):
    site = tmp_path / "preview"
    preview_build(broken, site, monkeypatch)
    odd = (site / "cases/2025-001/index.html").read_text(encoding="utf-8")
    top = odd.index('class="admonition danger rs-problems"')
    assert top < odd.index("<h1")  # at the top, above the record's own title and text
    box = text_of(site / "cases/2025-001/index.html")
    assert "预览：本页的记录有 1 个错误、0 个警告" in box
    assert (f"错误 {CASE_ODD} 第 {line_of(broken / CASE_ODD, 'remark:')} 行 · remark [schema.unknown_field] "
            "未知字段。请检查拼写，或删除它（可用字段见 data/FIELDS.md）。") in re.sub(r"\s+", " ", box)
    assert "生鲜称重未去皮多收货款纠纷" in box  # the record itself is still shown
    assert "<b>店长</b>" not in odd  # the editor's text is escaped in the box too
    # the record that cannot be read has a stand-in page at its address, with its problem
    bad = re.sub(r"\s+", " ", text_of(site / "cases/2026-001/index.html"))
    assert f"预览：{CASE_BAD} 有错误，暂时无法显示这一页" in bad
    assert (f"错误 {CASE_BAD} 第 {line_of(broken / CASE_BAD, 'received:')} 行 · received [schema.date] "
            "“2026-02-30”不是有效日期。") in bad
    # every page says how many problems the preview has
    assert "预览：共发现 2 个错误、" in text_of(site / "laws/index.html")


def test_problems_of_files_without_a_page_are_listed_on_the_home_page(broken, tmp_path, monkeypatch):
    inspection = sorted((broken / "data/inspections").glob("*.yml"))[0]  # internal records: no page of their own
    rel = f"data/inspections/{inspection.name}"
    edit(inspection, "\ndate: ", "\nremark: 复查\ndate: ")
    site = tmp_path / "preview"
    preview_build(broken, site, monkeypatch)
    home = re.sub(r"\s+", " ", text_of(site / "index.html"))
    assert "预览：以下文件的问题不在任何页面上" in home
    assert f"错误 {rel} 第 {line_of(inspection, 'remark:')} 行 · remark [schema.unknown_field]" in home
    assert CASE_ODD not in home  # shown on its own page, not repeated here


def test_the_public_build_of_the_same_project_is_refused(broken, capsys):
    code, out, err = run_cli(capsys, "--root", str(broken), "build", "--today", TODAY)
    assert code == 1 and not (broken / "site").exists()
    assert "rs-problems" not in out + err


def test_a_clean_project_previews_without_any_problem_box(qinghe, tmp_path, monkeypatch):
    site = tmp_path / "preview"
    preview_build(qinghe, site, monkeypatch)
    for page in ("index.html", "cases/2025-001/index.html", "laws/index.html"):
        shown = (site / page).read_text(encoding="utf-8")
        assert "rs-problems" not in shown and "预览：" not in text_of(site / page), page
