"""The form-based editor as an editor meets it: `make edit` on a copy of the qinghe fixture (a git
repository of its own), Decap CMS at /admin/ in Debian's Chromium driven by Playwright, saving
through decap-server into the copy's working tree. Screenshots go to test-artifacts/cms-*.png."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, TODAY, fixture_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("CMS_SHOTS", ROOT / "test-artifacts"))
NEW_ID = "2026-009"
NEW_TITLE = "健身房年卡闭店装修期间未顺延纠纷"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def _rightsite(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rightsite", "--root", str(root), *args],
                          capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except OSError as exc:
        return getattr(exc, "code", 0) or 0, ""


def _wait(what: str, test, seconds: float = 240) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if test():
            return
        time.sleep(1)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    """`make edit` on a git copy of qinghe: (project root, preview url, the make process)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs the Debian package chromium")
    if not (ROOT / "cms" / "node_modules" / "decap-server").is_dir():
        pytest.fail("decap-server is missing: `make setup` runs npm ci --prefix cms")
    root = fixture_project("qinghe", tmp_path_factory.mktemp("cms") / "qinghe")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "fixture")
    preview, backend = _free_port(), _free_port()
    env = {**os.environ, "RIGHTSITE_TODAY": TODAY}
    env.pop("SOURCE_DATE_EPOCH", None)
    log = open(root.parent / "make-edit.log", "w")
    proc = subprocess.Popen(["make", "-C", str(ROOT), "edit", f"EDIT_ROOT={root}",
                             f"PREVIEW_PORT={preview}", f"CMS_PORT={backend}"],
                            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{preview}/"
    try:
        _wait("the preview with /admin/", lambda: proc.poll() is None and _get(url + "admin/")[0] == 200)
        req = urllib.request.Request(f"http://127.0.0.1:{backend}/api/v1", data=b'{"action":"info"}',
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as r:
            assert json.load(r)["type"] == "local_fs"
        yield root, url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


@pytest.fixture
def page(editor):
    from playwright.sync_api import sync_playwright

    root, url = editor
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        pg = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        pg.set_default_timeout(30_000)
        pg.goto(url + "admin/")
        pg.get_by_role("button", name="登录").click()  # the local backend needs no account
        pg.get_by_role("link", name="典型案例").first.wait_for()
        yield pg
        browser.close()


def _select(pg, label: str, option: str) -> None:
    pg.get_by_label(label, exact=True).click()
    pg.get_by_role("option", name=option, exact=True).click()


def _publish(pg) -> None:
    pg.get_by_role("button", name="发布").click()
    pg.get_by_text("立即发布", exact=True).click()


def test_create_a_case_through_the_form(editor, page):
    root, url = editor
    pg = page
    pg.get_by_text("2025-001　").first.wait_for()
    pg.screenshot(path=str(ARTIFACTS / "cms-list.png"))
    pg.locator("a[href$=\"/collections/cases/new\"]").click()  # the “＋ 案例” button
    pg.get_by_label("编号", exact=True).fill(NEW_ID)
    pg.get_by_label("标题", exact=True).fill(NEW_TITLE)
    pg.get_by_label("受理日期", exact=True).fill("2026-10-08")
    pg.get_by_label("办结日期", exact=True).fill("2026-10-15")
    _select(pg, "投诉性质", "会员储值")
    _select(pg, "行业", "健身")
    _select(pg, "投诉渠道", "现场接待")
    _select(pg, "处理结果", "达成和解")
    pg.get_by_label("挽回金额（元）", exact=True).fill("240.5")
    pg.get_by_label("案情简介", exact=True).fill("消费者办理健身房年卡，健身房因装修闭店一个月，未顺延有效期。")
    pg.get_by_label("调解过程", exact=True).fill("工作人员核对闭店公告和年卡条款，建议商户按闭店天数顺延或退还相应费用。")
    pg.get_by_label("处理结果说明", exact=True).fill("商户同意顺延三十天，并退还闭店期间的课程费用240.5元。")
    laws = pg.get_by_label("法律依据", exact=True)
    laws.click()
    laws.fill("cpl-53")
    pg.get_by_role("option").filter(has_text="cpl-53").first.click()
    pg.get_by_label("消费提示", exact=True).fill("办理年卡前问清闭店、停业时有效期如何处理，并保留收据。")
    pg.get_by_label("最近审核日期", exact=True).fill("2026-11-20")
    pg.get_by_label("编号", exact=True).scroll_into_view_if_needed()
    pg.screenshot(path=str(ARTIFACTS / "cms-form.png"))
    _publish(pg)

    path = root / "data" / "cases" / f"{NEW_ID}.yml"
    _wait(f"{path.name} written by the editor", path.exists, 30)
    pg.screenshot(path=str(ARTIFACTS / "cms-saved.png"))
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"id: {NEW_ID}\ntitle: {NEW_TITLE}\nreceived: 2026-10-08\nclosed: 2026-10-15\n"), text
    assert "amount_recovered: 240.5\n" in text and "laws:\n  - cpl-53\n" in text

    checked = _rightsite(root, "check", "--today", TODAY, "--format", "json")
    assert checked.returncode == 0, checked.stdout
    mine = [p for p in json.loads(checked.stdout)["problems"] if p["file"] == f"data/cases/{NEW_ID}.yml"]
    assert mine == []
    # what the editor wrote is already in its own form: `rightsite fmt` would not touch it
    assert f"data/cases/{NEW_ID}.yml" not in _rightsite(root, "fmt", "--check").stdout

    _wait("the new case's page in the preview",
          lambda: NEW_TITLE in _get(url + f"cases/{NEW_ID}/")[1], 240)
    pg.goto(url + f"cases/{NEW_ID}/")
    assert "240.50" in pg.inner_text("main") or "240.5" in pg.inner_text("main")
    pg.screenshot(path=str(ARTIFACTS / "cms-preview-page.png"))


def test_editing_one_field_changes_only_its_lines(editor, page):
    root, url = editor
    formatted = _rightsite(root, "fmt", "--drop-comments")
    assert formatted.returncode == 0, formatted.stderr
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "rightsite fmt")
    case = root / "data" / "cases" / "2025-002.yml"
    before = case.read_text(encoding="utf-8")
    old_title = next(ln for ln in before.splitlines() if ln.startswith("title: "))[len("title: "):]

    pg = page
    pg.goto(url + "admin/#/collections/cases/entries/2025-002")
    title = pg.get_by_label("标题", exact=True)
    title.wait_for()
    assert title.input_value() == old_title
    title.fill(old_title + "（更正）")
    pg.screenshot(path=str(ARTIFACTS / "cms-edit.png"))
    _publish(pg)
    _wait("the edited case saved", lambda: case.read_text(encoding="utf-8") != before, 30)

    diff = _git(root, "diff", "--unified=0", "--", "data")
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    assert changed == [f"-title: {old_title}", f"+title: {old_title}（更正）"], diff
    assert _rightsite(root, "check", "--today", TODAY).returncode == 0


def test_editing_a_channel_changes_only_its_line(editor, page):
    """site.yml is a file the editor only partly shows (the channels): the rest must survive a save,
    and after `rightsite fmt` (Decap keeps a map of more than 8 keys in hash order) stay in place."""
    root, url = editor
    if _rightsite(root, "fmt", "--check").returncode != 0:
        assert _rightsite(root, "fmt", "--drop-comments").returncode == 0
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "rightsite fmt", "--allow-empty")
    site = root / "data" / "site.yml"
    before = site.read_text(encoding="utf-8")
    assert "    name: 客服热线\n" in before

    pg = page
    pg.get_by_role("link", name="投诉渠道").first.click()
    pg.get_by_text("公开投诉渠道（data/site.yml）").click()
    pg.locator("button[class*=TopBarButton]").first.click()  # unfold the first channel
    name = pg.get_by_label("名称", exact=True).first
    name.wait_for()
    assert name.input_value() == "客服热线"
    name.fill("客服热线（24小时）")
    pg.screenshot(path=str(ARTIFACTS / "cms-channels.png"))
    _publish(pg)
    _wait("site.yml saved", lambda: site.read_text(encoding="utf-8") != before, 30)

    diff = _git(root, "diff", "--unified=0", "--", "data")
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    assert changed == ["-    name: 客服热线", "+    name: 客服热线（24小时）"], diff
