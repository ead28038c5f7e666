"""Hostile publishing: concurrent and killed builds, damaged caches, tampered published reports.

The publish tests replace the website build itself (`build.build_all`) by a fake that writes a
tiny site, so each runs in milliseconds; a killed build is simulated in a forked child that
dies with os._exit at one step (no finally blocks, no atexit: as with SIGKILL). The cache tests
run the real PDF and chart code on the qinghe fixture. The report tests `git init` a copy of
qinghe, commit its publication, then tamper with it as an editor could.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from conftest import TODAY, fixture_project, run_cli, seed_cache
from rightsite import build, publish

DAY = dt.date(2026, 11, 25)


# ---- publishing: helpers ------------------------------------------------------------------

def fake_builds(monkeypatch, ok: bool = True) -> list[Path]:
    """Replace the real build by one writing site version n (index.html says "vn")."""
    made: list[Path] = []

    def fake(root, today, out, strict=False, timings=None):
        out.mkdir(parents=True)
        made.append(out)
        (out / "index.html").write_text(f"v{len(made)}", encoding="utf-8")
        (out / "downloads").mkdir()
        (out / "downloads" / "handbook.pdf").write_bytes(b"%PDF-1.7 fake")
        return ok

    monkeypatch.setattr(build, "build_all", fake)
    return made


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    root = tmp_path / "mall"
    (root / "data").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    return root


def run(root: Path) -> int:
    return build.run_build(root, DAY, False, None)


def shown(root: Path) -> str:
    return (root / "site" / "index.html").read_text(encoding="utf-8")


def versions(root: Path) -> list[str]:
    return sorted(p.name for p in (root / ".site-builds").iterdir())


def folders(root: Path) -> list[str]:
    return [v for v in versions(root) if not v.startswith(".")]


def in_child(fn) -> int:
    """Run fn in a forked child and return its exit code (the child never returns)."""
    pid = os.fork()
    if pid == 0:
        try:
            fn()
        finally:
            os._exit(99)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def killed(*a, **k):
    os._exit(137)


# ---- publishing: the symlinked site ---------------------------------------------------------

def test_site_is_a_relative_symlink_to_a_version_folder(proj, monkeypatch, capsys):
    fake_builds(monkeypatch)
    assert run(proj) == 0
    site = proj / "site"
    assert site.is_symlink() and site.is_dir()
    link = os.readlink(site)
    assert link.startswith(".site-builds/") and not os.path.isabs(link)
    assert sorted(os.listdir(site)) == [".rightsite-build", "downloads", "index.html"]  # `ls site/`
    assert shown(proj) == "v1"
    assert capsys.readouterr().err.splitlines()[-1] == f"网站已生成 site built: {site}"


def test_rebuilds_keep_only_the_published_and_previous_versions(proj, monkeypatch):
    made = fake_builds(monkeypatch)
    for _ in range(4):
        assert run(proj) == 0
    assert shown(proj) == "v4"
    assert versions(proj) == sorted([".lock", ".previous", made[2].name, made[3].name])
    assert os.readlink(proj / ".site-builds/.previous") == made[2].name
    assert (proj / ".site-builds/.previous/index.html").read_text(encoding="utf-8") == "v3"


def test_an_old_real_site_folder_is_migrated(proj, monkeypatch):
    fake_builds(monkeypatch)
    old = proj / "site"
    old.mkdir()
    (old / "index.html").write_text("legacy", encoding="utf-8")
    (old / publish.MARKER).write_text("x", encoding="utf-8")
    assert run(proj) == 0
    assert old.is_symlink() and shown(proj) == "v1"
    legacy = [v for v in versions(proj) if v.startswith("legacy-")]
    assert len(legacy) == 1 and (proj / ".site-builds" / legacy[0] / "index.html").read_text() == "legacy"
    assert run(proj) == 0 and run(proj) == 0  # the migrated folder is dropped two builds later
    assert not [v for v in versions(proj) if v.startswith("legacy-")]


def test_a_failed_build_leaves_the_site_and_no_version(proj, monkeypatch, capsys):
    fake_builds(monkeypatch)
    assert run(proj) == 0
    before = versions(proj)
    fake_builds(monkeypatch, ok=False)
    assert run(proj) == 1
    assert shown(proj) == "v1" and versions(proj) == before
    assert capsys.readouterr().err.splitlines()[-1] == f"构建失败，{proj / 'site'} 保持不变。 Build failed; {proj / 'site'} left untouched."


def test_a_crashing_build_prints_no_traceback(proj, monkeypatch, capsys):
    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(build, "build_all", boom)
    assert run(proj) == 1
    err = capsys.readouterr().err
    assert "构建意外失败：RuntimeError: disk on fire" in err and "Traceback" not in err
    assert not (proj / "site").exists()


def test_a_symlink_site_pointing_elsewhere_is_refused(proj, tmp_path, monkeypatch, capsys):
    fake_builds(monkeypatch)
    elsewhere = tmp_path / "important"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep", encoding="utf-8")
    (proj / "site").symlink_to(elsewhere)
    assert run(proj) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"不能把网站生成到 {proj / 'site'}：它是一个符号链接，且不是 rightsite 发布的网站。请换一个输出文件夹。"
                   f" Refusing to replace {proj / 'site'}.")
    assert os.listdir(elsewhere) == ["keep.txt"] and not (proj / ".site-builds").exists()


# ---- publishing: exclusive ------------------------------------------------------------------

def hold_lock(root: Path):
    (root / ".site-builds").mkdir(exist_ok=True)
    fh = open(root / ".site-builds" / ".lock", "a+", encoding="utf-8")
    fcntl.flock(fh, fcntl.LOCK_EX)
    fh.seek(0)
    fh.truncate()
    fh.write("pid 4242 since 2026-11-25T09:00:00+08:00\n")
    fh.flush()
    return fh


def test_a_second_build_refuses_after_a_bounded_wait(proj, monkeypatch, capsys):
    made = fake_builds(monkeypatch)
    assert run(proj) == 0
    monkeypatch.setenv("RIGHTSITE_BUILD_WAIT", "0.5")
    lock = hold_lock(proj)
    try:
        t0 = time.monotonic()
        assert run(proj) == 1
        assert 0.4 < time.monotonic() - t0 < 5
    finally:
        lock.close()
    site = proj / "site"
    assert capsys.readouterr().err.splitlines() == [
        f"网站已生成 site built: {site}",
        "另一个构建（进程 4242，2026-11-25T09:00:00+08:00 开始）正在进行，最多等待 0.5 秒…… Waiting for another build.",
        f"另一个构建（进程 4242，2026-11-25T09:00:00+08:00 开始）正在生成 {site}，等待 0.5 秒后仍未结束，本次构建已放弃。"
        "请等它结束后再运行 rightsite build（等待时间可用环境变量 RIGHTSITE_BUILD_WAIT 设置，单位秒）。"
        f" Another build (进程 4242，2026-11-25T09:00:00+08:00 开始) is publishing {site}; gave up after 0.5 s.",
        f"{site} 保持不变。 {site} left untouched.",
    ]
    assert len(made) == 1 and shown(proj) == "v1"


def test_a_second_build_waits_for_the_first_to_finish(proj, monkeypatch, capsys):
    fake_builds(monkeypatch)
    monkeypatch.setenv("RIGHTSITE_BUILD_WAIT", "20")
    lock = hold_lock(proj)
    threading.Timer(0.6, lock.close).start()
    t0 = time.monotonic()
    assert run(proj) == 0
    assert time.monotonic() - t0 >= 0.5
    assert shown(proj) == "v1"
    assert "最多等待 20 秒" in capsys.readouterr().err


CLI_BUILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import rightsite.build as b
    def fake(root, today, out, strict=False, timings=None):
        out.mkdir(parents=True)
        (out / "index.html").write_text(sys.argv[2])
        Path(sys.argv[3]).write_text("started")
        while not Path(sys.argv[4]).exists():
            time.sleep(0.05)
        return True
    b.build_all = fake
    from rightsite.cli import main
    sys.exit(main(["--root", sys.argv[1], "build", "--today", "2026-11-25"]))
""")


def test_two_concurrent_cli_builds_one_publishes_the_other_refuses(proj, tmp_path):
    script = tmp_path / "b.py"
    script.write_text(CLI_BUILD, encoding="utf-8")
    started, go = tmp_path / "started", tmp_path / "go"
    env = {**os.environ, "RIGHTSITE_BUILD_WAIT": "0"}
    first = subprocess.Popen([sys.executable, str(script), str(proj), "first", str(started), str(go)],
                             env=env, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(200):
            if started.exists():
                break
            time.sleep(0.05)
        second = subprocess.run([sys.executable, str(script), str(proj), "second", str(tmp_path / "s2"), str(go)],
                                env=env, capture_output=True, text=True, timeout=60)
    finally:
        go.write_text("go")
        first_err = first.communicate(timeout=60)[1]
    assert first.returncode == 0, first_err
    assert second.returncode == 1 and "Traceback" not in second.stderr
    assert f"正在生成 {proj / 'site'}，等待 0 秒后仍未结束，本次构建已放弃" in second.stderr
    assert shown(proj) == "first"


def test_a_killed_build_does_not_block_the_next(proj, monkeypatch):
    fake_builds(monkeypatch)
    monkeypatch.setenv("RIGHTSITE_BUILD_WAIT", "0")

    def child():
        monkeypatch.setattr(build, "build_all", killed)
        run(proj)

    assert in_child(child) == 137
    assert run(proj) == 0 and shown(proj) == "v1"


# ---- publishing: killed at each step --------------------------------------------------------

STEPS_BEFORE_SWAP = ["write_marker", "make_link", "remember_previous", "swap"]


@pytest.mark.parametrize("step", STEPS_BEFORE_SWAP)
def test_killed_before_the_swap_leaves_the_old_site_then_is_cleaned(proj, monkeypatch, step):
    made = fake_builds(monkeypatch)
    assert run(proj) == 0

    def child():
        monkeypatch.setattr(publish, step, killed)
        run(proj)

    assert in_child(child) == 137
    assert shown(proj) == "v1" and (proj / "site" / "downloads" / "handbook.pdf").exists()
    assert made[0].name in versions(proj) and len(folders(proj)) == 2  # v1 and the dead build's folder
    assert run(proj) == 0
    assert shown(proj) == "v2"  # (the fake counts builds of this process: the child's was its own)
    assert versions(proj) == sorted([".lock", ".previous", made[0].name, made[1].name])
    assert not list(proj.glob(".site.link-*"))


def test_killed_while_building_leaves_the_old_site_then_is_cleaned(proj, monkeypatch):
    made = fake_builds(monkeypatch)
    assert run(proj) == 0

    def half_built(root, today, out, strict=False, timings=None):
        out.mkdir(parents=True)
        (out / "index.html").write_text("half", encoding="utf-8")
        os._exit(137)

    def child():
        monkeypatch.setattr(build, "build_all", half_built)
        run(proj)

    assert in_child(child) == 137
    assert shown(proj) == "v1" and len(folders(proj)) == 2
    assert run(proj) == 0 and shown(proj) == "v2"
    assert versions(proj) == sorted([".lock", ".previous", made[0].name, made[1].name])


def test_killed_after_the_swap_the_new_site_is_whole(proj, monkeypatch):
    fake_builds(monkeypatch)
    assert run(proj) == 0
    assert run(proj) == 0
    assert run(proj) == 0  # three versions so far; two kept

    def child():
        monkeypatch.setattr(publish, "tidy_up", killed)
        run(proj)

    assert in_child(child) == 137
    assert shown(proj) == "v4"  # the child's build (the fourth of this process's fake)
    assert run(proj) == 0 and shown(proj) == "v4"
    assert len(folders(proj)) == 2


def test_killed_during_a_migration_without_atomic_exchange_is_recovered(proj, monkeypatch, capsys):
    fake_builds(monkeypatch)
    (proj / "site").mkdir()
    (proj / "site" / "index.html").write_text("legacy", encoding="utf-8")

    def child():
        monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
        real, calls = os.replace, []

        def replace_then_die(a, b):
            calls.append(a)
            if len(calls) == 2:  # the first points .previous at the old folder, the second is the swap
                os._exit(137)
            real(a, b)

        monkeypatch.setattr(publish.os, "replace", replace_then_die)  # dies between the two renames
        run(proj)

    assert in_child(child) == 137
    assert not (proj / "site").exists()  # the one unguarded moment of the fallback
    fake_builds(monkeypatch, ok=False)
    assert run(proj) == 1
    assert shown(proj) == "legacy"
    assert "上次构建中断，已恢复上一版网站" in capsys.readouterr().err


def test_leftovers_of_the_old_two_rename_scheme_are_removed(proj, monkeypatch):
    fake_builds(monkeypatch)
    for name in (".site.build-abc123", ".site.old-4242"):
        (proj / name).mkdir()
        (proj / name / "index.html").write_text("stale", encoding="utf-8")
    assert run(proj) == 0
    assert not list(proj.glob(".site.*")) and shown(proj) == "v1"


def test_pdf_workers_end_when_the_build_is_killed(tmp_path):
    script = tmp_path / "w.py"
    script.write_text(textwrap.dedent("""
        import os, signal, sys, time
        from rightsite.pdf import worker_pool
        pool = worker_pool(2)
        pids = {pool.submit(os.getpid).result() for _ in range(20)}
        for _ in range(2):
            pool.submit(time.sleep, 60)
        print(" ".join(map(str, sorted(pids))), flush=True)
        time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGKILL)
    """), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == -9
    pids = [int(p) for p in proc.stdout.split()]
    assert pids

    def alive(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state != "Z"

    deadline = time.monotonic() + 10
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p for p in pids if alive(p)] == []


def test_real_build_publishes_site_as_a_symlink(built_fixture):
    built = built_fixture("qinghe")
    assert built.code == 0, built.err
    assert built.site.is_symlink() and (built.site / "index.html").is_file()
    assert (built.site / "downloads" / "handbook.pdf").is_file()
    assert os.readlink(built.site).startswith(".site-builds/")
    assert "网站已生成 site built" in built.err


# ---- caches that check themselves ------------------------------------------------------------

@pytest.fixture
def messages():
    """Lines the rightsite loggers print (info and up), whatever an earlier build set up."""
    import logging

    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())

    logger = logging.getLogger("rightsite")
    handler, level = Keep(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def all_pdfs(root: Path, out: Path):
    from rightsite.load import load_project
    from rightsite.pdf import build_pdfs
    from rightsite.report.pdfdoc import build_report_pdfs

    project = load_project(root)
    problems, stats = build_pdfs(project, DAY, out, root / ".cache")
    problems.extend(build_report_pdfs(project, out, root / ".cache"))
    return problems, stats


@pytest.fixture(scope="module")
def warm(tmp_path_factory, built_fixture):
    """qinghe with every PDF rendered once: (project with its .cache, the PDFs it built)."""
    from conftest import fixture_project, seed_cache

    base = tmp_path_factory.mktemp("warm")
    # the shared build's fonts and charts, not its PDFs: every one is rendered here
    root = seed_cache(fixture_project("qinghe", base / "proj"), built_fixture("qinghe"), pdfs=False)
    problems, stats = all_pdfs(root, base / "out")
    assert problems.items == [] and stats["reused"] == 0
    return root, base / "out"


@pytest.fixture
def cached(warm, tmp_path):
    """A fresh copy of the warm project (cache included) that a test may damage (not its fonts)."""
    from conftest import copy_with_cache

    return copy_with_cache(warm[0], tmp_path / "proj")


def manifest(root: Path, kind: str = "pdf") -> dict:
    import json

    return json.loads((root / ".cache" / kind / "manifest.json").read_text(encoding="utf-8"))


def blob(root: Path, output: str, kind: str = "pdf") -> Path:
    return root / ".cache" / kind / f"{manifest(root, kind)['outputs'][output]['key']}.pdf"


def parses(path: Path) -> bool:
    from rightsite.pdf.cache import pdf_defect

    return pdf_defect(path.read_bytes()) is None


def test_a_truncated_cached_pdf_is_rendered_again(warm, cached, tmp_path, messages):
    path = blob(cached, "downloads/handbook.pdf")
    path.write_bytes(path.read_bytes()[:5000])
    problems, stats = all_pdfs(cached, tmp_path / "out")
    assert problems.items == []
    assert stats["documents"]["downloads/handbook.pdf"]["status"] == "rendered"
    assert stats["rendered"] == 1  # only the damaged one (the booklet's input key is unchanged)
    out = tmp_path / "out/downloads/handbook.pdf"
    assert parses(out) and out.read_bytes() == (warm[1] / "downloads/handbook.pdf").read_bytes()
    assert ("缓存中的 downloads/handbook.pdf 已损坏（内容与记录的摘要不符），重新生成。"
            " Cached copy damaged; rendering again.") in messages


def test_a_cached_pdf_overwritten_with_same_size_garbage_is_rendered_again(warm, cached, tmp_path, messages):
    path = blob(cached, "downloads/standards.pdf")
    path.write_bytes(b"\0" * path.stat().st_size)
    problems, stats = all_pdfs(cached, tmp_path / "out")
    assert problems.items == [] and stats["documents"]["downloads/standards.pdf"]["status"] == "rendered"
    assert (tmp_path / "out/downloads/standards.pdf").read_bytes() == (warm[1] / "downloads/standards.pdf").read_bytes()


def test_a_truncated_pdf_with_a_forged_digest_is_rendered_again(cached, tmp_path, messages):
    import hashlib
    import json

    path = blob(cached, "downloads/channels-poster.pdf")
    path.write_bytes(path.read_bytes()[:3000])
    data = manifest(cached)
    data["outputs"]["downloads/channels-poster.pdf"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (cached / ".cache/pdf/manifest.json").write_text(json.dumps(data), encoding="utf-8")
    problems, stats = all_pdfs(cached, tmp_path / "out")
    assert problems.items == [] and stats["documents"]["downloads/channels-poster.pdf"]["status"] == "rendered"
    assert parses(tmp_path / "out/downloads/channels-poster.pdf")
    assert "缓存中的 downloads/channels-poster.pdf 已损坏（文件不完整），重新生成。 Cached copy damaged; rendering again." in messages


def test_a_damaged_booklet_in_the_cache_is_imposed_again(warm, cached, tmp_path):
    path = blob(cached, "downloads/handbook-booklet.pdf")
    path.write_bytes(path.read_bytes()[:-200])
    problems, stats = all_pdfs(cached, tmp_path / "out")
    assert problems.items == [] and stats["rendered"] == 1
    assert stats["documents"]["downloads/handbook-booklet.pdf"]["status"] == "rendered"
    assert parses(tmp_path / "out/downloads/handbook-booklet.pdf")


def test_an_unreadable_manifest_renders_everything_without_error(warm, cached, tmp_path, messages):
    (cached / ".cache/pdf/manifest.json").write_text('{"version": 2, "outputs": {"downl', encoding="utf-8")
    problems, stats = all_pdfs(cached, tmp_path / "out")
    assert problems.items == [] and stats["reused"] == 0 and stats["rendered"] >= 6
    assert any(m.startswith("PDF 缓存清单 ") and m.endswith("已损坏，全部重新生成。 Cache manifest damaged; rendering again.")
               for m in messages)
    assert "sha256" in manifest(cached)["outputs"]["downloads/handbook.pdf"]  # written whole again


def test_a_truncated_report_pdf_in_the_cache_is_rendered_again(warm, cached, tmp_path, messages):
    path = blob(cached, "downloads/report-2024.pdf", "reports")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    problems, _ = all_pdfs(cached, tmp_path / "out")
    assert problems.items == []
    out = tmp_path / "out/downloads/report-2024.pdf"
    assert parses(out) and out.read_bytes() == (warm[1] / "downloads/report-2024.pdf").read_bytes()
    assert "缓存中的 downloads/report-2024.pdf 已损坏（内容与记录的摘要不符），重新生成。 Cached copy damaged; rendering again." in messages


def test_a_rendered_pdf_that_does_not_parse_fails_with_a_clear_message(cached, tmp_path, monkeypatch):
    from rightsite import pdf
    from rightsite.pdf.render import RenderResult

    blob(cached, "downloads/standards.pdf").unlink()  # only this one is rendered (in this process)
    monkeypatch.setattr(pdf, "_render_job", lambda job: (RenderResult(1, 0.1, 0.1, data=b"%PDF-1.7\n%%EOF"), None, 0.2))
    problems, _ = all_pdfs(cached, tmp_path / "out")
    [p] = problems.items
    assert (p.level, p.rule, p.line) == ("error", "pdf.parse", 1)
    assert p.file.startswith("data/standards/")
    assert p.message.startswith("生成的 downloads/standards.pdf 不是可读的 PDF（pypdf 无法解析：")
    assert p.message.endswith("），未发布。请重新构建；仍然出错时删除 .cache/ 后再构建，并把这条消息报告给维护者。"
                              " downloads/standards.pdf is not a readable PDF (" + p.message.split("（", 1)[1].split("）")[0]
                              + "); not published.")
    assert not (tmp_path / "out/downloads/standards.pdf").exists()


def test_a_rendered_report_pdf_that_is_not_a_pdf_fails(cached, tmp_path, monkeypatch):
    import shutil

    from rightsite.pdf.render import RenderResult
    from rightsite.report import pdfdoc

    shutil.rmtree(cached / ".cache/reports")
    import rightsite.pdf as pdf

    monkeypatch.setattr(pdf, "render_pdf", lambda *a, **k: RenderResult(1, 0.1, 0.1, data=b"<html>oops</html>"))
    from rightsite.load import load_project

    problems = pdfdoc.build_report_pdfs(load_project(cached), tmp_path / "out", cached / ".cache")
    assert sorted((p.rule, p.file) for p in problems.items) == [("pdf.parse", "data/reports/2024.yml"),
                                                                 ("pdf.parse", "data/reports/2025.yml")]
    first = problems.items[0].message
    assert first.startswith("生成的 downloads/report-20")
    assert "不是可读的 PDF（文件头不是 %PDF-（不是 PDF 文件） not a PDF header），未发布。" in first
    assert not list((tmp_path / "out").rglob("*.pdf"))


def scan(root: Path, site: Path):
    from rightsite.guard.privacy import scan_output
    from rightsite.load import load_project

    return scan_output(load_project(root), site)


def test_a_published_pdf_that_pdftotext_cannot_read_fails_the_scan(warm, cached, tmp_path):
    site = tmp_path / "site"
    (site / "downloads").mkdir(parents=True)
    good = (warm[1] / "downloads/handbook.pdf").read_bytes()
    (site / "downloads/handbook.pdf").write_bytes(good[:4000])
    [p] = scan(cached, site).items
    assert (p.rule, p.file, p.line) == ("pdf.parse", "site/downloads/handbook.pdf", 1)
    assert p.message.startswith("无法读取 site/downloads/handbook.pdf 的文字（pdftotext 退出状态 ")
    assert p.message.endswith("，文件已损坏），无法检查个人信息，未发布。请重新构建；仍然出错时删除 .cache/ 后再构建。"
                              " Cannot extract the text of site/downloads/handbook.pdf (pdftotext 退出状态 "
                              + p.message.split("退出状态 ")[1].split("，")[0] + "，文件已损坏); not published.")


def test_a_published_pdf_without_any_text_fails_the_scan(cached, tmp_path):
    import io

    from pypdf import PdfWriter

    site = tmp_path / "site"
    (site / "downloads").mkdir(parents=True)
    writer = PdfWriter()
    writer.add_blank_page(width=420, height=595)
    buf = io.BytesIO()
    writer.write(buf)
    (site / "downloads/blank.pdf").write_bytes(buf.getvalue())
    [p] = scan(cached, site).items
    assert p.text() == ("site/downloads/blank.pdf:1: 错误 error [pdf.parse] 无法读取 site/downloads/blank.pdf 的文字"
                        "（提取不到任何文字），无法检查个人信息，未发布。请重新构建；仍然出错时删除 .cache/ 后再构建。"
                        " Cannot extract the text of site/downloads/blank.pdf (no text); not published.")


def charts_of(root: Path, year: int = 2024):
    from rightsite.load import load_project
    from rightsite.report import load_year
    from rightsite.report.view import cached_charts

    project = load_project(root)
    figures = load_year(project, year).figures
    assert figures is not None
    return cached_charts(project, figures, year)


def chart_file(root: Path) -> Path:
    """The one chart cache of 2024 (call after `fresh_charts`: the build also cached the published figures' charts)."""
    [path] = [p for p in (root / ".cache/charts").glob("*.json") if _year_of(p) == 2024]
    return path


def fresh_charts(root: Path):
    """The 2024 charts, drawn into an emptied chart cache."""
    shutil.rmtree(root / ".cache/charts", ignore_errors=True)
    return charts_of(root)


def _year_of(path: Path) -> int:
    return 2024 if 'y2024c0-' in path.read_text(encoding="utf-8") else 0


def test_a_truncated_chart_cache_is_drawn_again_not_fatal(cached, messages):
    pytest.importorskip("matplotlib")
    good = fresh_charts(cached)
    path = chart_file(cached)
    path.write_text(path.read_text(encoding="utf-8")[:300], encoding="utf-8")
    again = charts_of(cached)
    assert again == good
    assert f"图表缓存 {path.name} 已损坏，重新绘制。 Chart cache damaged; drawing again." in messages
    assert charts_of(cached) == good and messages.count(
        f"图表缓存 {path.name} 已损坏，重新绘制。 Chart cache damaged; drawing again.") == 1  # rewritten intact


def test_an_edited_chart_cache_is_not_trusted(cached, messages):
    pytest.importorskip("matplotlib")
    good = fresh_charts(cached)
    path = chart_file(cached)
    path.write_text(path.read_text(encoding="utf-8").replace("<svg", "<svg onload=\\\"alert(1)\\\"", 1),
                    encoding="utf-8")
    again = charts_of(cached)
    assert again == good and all("onload" not in c.svg for c in again)
    assert any(m.startswith("图表缓存 ") for m in messages)


def test_a_chart_cache_that_is_not_json_at_all_is_drawn_again(cached):
    pytest.importorskip("matplotlib")
    good = fresh_charts(cached)
    path = chart_file(cached)
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert charts_of(cached) == good


def test_a_digest_cache_edited_by_hand_is_ignored(tmp_path, messages):
    import json

    from rightsite.digestcache import DigestCache

    path = tmp_path / "output-scan.json"
    cache = DigestCache(path, b"salt")
    key = cache.key("a page with 13912345678")
    cache.put(key, 1)
    cache.save()
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert DigestCache(path, b"salt").get(key) == 1
    stored["data"]["forged-key"] = 1  # "this file was scanned clean"
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert DigestCache(path, b"salt").get("forged-key") is None
    assert "缓存文件 output-scan.json 已损坏，重新计算。 Cache file damaged; computing again." in messages


def test_a_truncated_digest_cache_is_rewritten_whole(tmp_path):
    import json

    from rightsite.digestcache import DigestCache

    path = tmp_path / "pii-records.json"
    path.write_text('{"sha256": "00", "data": {"k', encoding="utf-8")
    cache = DigestCache(path, b"salt")
    assert cache.get("k") is None
    cache.save()
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["data"] == {} and DigestCache(path, b"salt").get("k") is None


@pytest.mark.slow
def test_a_truncated_font_cache_is_extracted_again(tmp_path, messages):
    import shutil

    from rightsite.pdf.fonts import prepare_fonts

    cache = tmp_path / "cache"
    first = prepare_fonts(cache)
    face = first.faces[0].path
    good = face.read_bytes()
    face.write_bytes(good[:100000])
    shutil.copytree(cache, tmp_path / "cache2")
    again = prepare_fonts(tmp_path / "cache2")
    assert again.faces[0].path.read_bytes() == good
    assert f"字体缓存 {face.name} 已损坏，重新提取。 Font cache damaged; extracting again." in messages


# ---- tamper-evident published reports ------------------------------------------------------

REPORT = "data/reports/2024.yml"
CSV = "data/complaints/2024.csv"
AMOUNT = "complaints.amount_recovered"
FROZEN_AMOUNT = 114599.02  # qinghe's published 2024 figure


def git(root: Path, *args: str, date: str = "2025-03-05T10:00:00+08:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "编辑", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "编辑", "GIT_COMMITTER_EMAIL": "editor@example.org",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def commit_all(root: Path, message: str, date: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message, date=date)
    return git(root, "rev-parse", "HEAD")[:10]


@pytest.fixture
def repo(qinghe) -> tuple[Path, str]:
    """qinghe under git: the 2024 report written as a draft in January, frozen and published in
    the commit of 2025-03-05 (its short hash is returned)."""
    report = qinghe / REPORT
    published = report.read_text(encoding="utf-8")
    draft = published.split("\n# 以下数字由")[0].replace("status: published\npublished: 2025-03-05\n", "status: draft\n")
    report.write_text(draft + "\n", encoding="utf-8")
    git(qinghe, "init", "-q", "-b", "main")
    commit_all(qinghe, "2024 report draft", "2025-01-10T10:00:00+08:00")
    report.write_text(published, encoding="utf-8")
    return qinghe, commit_all(qinghe, "Publish the 2024 report", "2025-03-05T10:00:00+08:00")


def report_issues(capsys, root: Path, *extra: str) -> tuple[int, list[dict]]:
    from conftest import check_json

    code, data = check_json(capsys, root, *extra)
    return code, [p for p in data["problems"] if p["file"].startswith(("data/reports", "data/complaints"))]


def lower_one_amount(root: Path) -> float:
    """Set the first non-zero amount of the 2024 export (GB18030) to 0; returns the new total."""
    path = root / CSV
    text = path.read_bytes().decode("gb18030")
    for line in text.split("\n")[1:]:
        cols = line.split(",")
        if len(cols) > 7 and cols[7] not in ("", "0"):
            path.write_bytes(text.replace(line, ",".join(cols[:7] + ["0"] + cols[8:]), 1).encode("gb18030"))
            return round(FROZEN_AMOUNT - float(cols[7]), 2)
    raise AssertionError("no amount")


def set_frozen(root: Path, value) -> None:
    report = root / REPORT
    text = report.read_text(encoding="utf-8")
    assert f"  {AMOUNT}: {FROZEN_AMOUNT}\n" in text
    report.write_text(text.replace(f"  {AMOUNT}: {FROZEN_AMOUNT}\n", f"  {AMOUNT}: {value}\n"), encoding="utf-8")


def add_correction(root: Path, old, new) -> None:
    report = root / REPORT
    report.write_text(report.read_text(encoding="utf-8") + (
        f"corrections:\n  - date: 2025-06-02\n    figure: {AMOUNT}\n    old: {old}\n    new: {new}\n"
        "    reason: 一笔退款经核实未实际到账，台账金额更正为 0。\n"), encoding="utf-8")


def line_in(root: Path, needle: str) -> int:
    from conftest import line_of

    return line_of(root / REPORT, needle)


def refreeze(root: Path) -> None:
    """What deleting the block and running an old `report --freeze` wrote: today's figures."""
    from rightsite.load import load_project
    from rightsite.report import load_year
    from rightsite.report.freeze import frozen_text

    data = load_year(load_project(root), 2024)
    assert data.report is not None and data.figures is not None and data.report.record.figures is not None
    published = data.report.record.figures  # the figures that version knew of
    path = root / REPORT
    path.write_text(frozen_text(path.read_text(encoding="utf-8"), data.report.doc, 2024,
                                {k: v for k, v in data.figures.items() if k in published},
                                dt.date(2025, 3, 5)), encoding="utf-8")


def edited_message(short: str, was, now, csv_note: str = "") -> str:
    return (f"冻结的数字“挽回经济损失”（{AMOUNT}）被改动了：发布时（提交 {short}，2025-03-05）为 {was}，"
            f"现在写成 {now}{csv_note}。冻结的数字不能修改，也不要重新冻结（--freeze）。"
            f"请把它改回 {was}；如需更正，在 corrections 中登记 date、figure: {AMOUNT}、old: {was}、"
            f"new（新数值）和 reason。 The frozen figure {AMOUNT} was edited: published {was}, "
            f"now {now}; restore it and record a correction.")


def test_a_published_report_under_git_checks_clean(capsys, repo):
    root, _ = repo
    assert report_issues(capsys, root) == (0, [])


def test_the_figure_label_is_the_registry_one():
    from rightsite.report.figures import FIGURES

    assert FIGURES[AMOUNT].label == "挽回经济损失"


def test_changing_the_data_alone_is_drift_whose_message_says_never_refreeze(capsys, repo):
    root, _ = repo
    new = lower_one_amount(root)
    code, found = report_issues(capsys, root)
    assert code == 1 and [p["field"] for p in found] == [f"figures.{AMOUNT}"]
    message = found[0]["message"]
    assert found[0]["rule"] == "report.drift" and found[0]["line"] == line_in(root, f"  {AMOUNT}:")
    assert (f"冻结值 {FROZEN_AMOUNT}，按现在的数据重新计算为 {new}（数据文件：{CSV}）"
            f"（发布后台账 {CSV} 的改动：尚未提交的修改）。") in message
    assert (f"请在 corrections 中登记 date、figure: {AMOUNT}、old: {FROZEN_AMOUNT}、new: {new} 和 reason，"
            "不要改动 figures 块，也不要重新冻结；否则请把数据改回。") in message
    assert message.endswith("record a correction (never re-freeze) or restore the data.")


def test_a_committed_data_change_is_named_by_its_commit(capsys, repo):
    root, _ = repo
    lower_one_amount(root)
    short = commit_all(root, "fix the ledger", "2025-06-01T09:00:00+08:00")
    _, [p] = report_issues(capsys, root)
    assert f"（发布后台账 {CSV} 的改动：提交 {short[:7]}" in p["message"] and " 2025-06-01）" in p["message"]


def test_changing_data_and_frozen_figure_together_is_an_error(capsys, repo):
    root, short = repo
    new = lower_one_amount(root)
    set_frozen(root, new)
    code, found = report_issues(capsys, root)
    assert code == 1
    assert found == [{"level": "error", "rule": "report.drift", "file": REPORT, "line": line_in(root, f"  {AMOUNT}:"),
                      "field": f"figures.{AMOUNT}", "owner": found[0]["owner"],
                      "message": edited_message(short, FROZEN_AMOUNT, new, f"（发布后台账 {CSV} 的改动：尚未提交的修改）")}]


def test_changing_data_and_frozen_figure_together_with_a_correction_is_accepted(capsys, repo):
    root, _ = repo
    new = lower_one_amount(root)
    set_frozen(root, new)
    add_correction(root, FROZEN_AMOUNT, new)
    assert report_issues(capsys, root) == (0, [])
    code, out, _ = run_cli(capsys, "--root", str(root), "report", "2024", "--format", "json")
    import json

    assert code == 0 and json.loads(out)["figures"][AMOUNT] == new


def test_editing_a_frozen_figure_alone_is_an_error(capsys, repo):
    root, short = repo
    set_frozen(root, 120000.0)
    code, found = report_issues(capsys, root)
    assert code == 1 and [p["message"] for p in found] == [edited_message(short, FROZEN_AMOUNT, "120000.0")]


def test_a_correction_must_lead_to_the_edited_value(capsys, repo):
    root, short = repo
    new = lower_one_amount(root)
    set_frozen(root, new)
    add_correction(root, FROZEN_AMOUNT, 1)  # explains a different value
    code, found = report_issues(capsys, root)
    assert code == 1 and edited_message(short, FROZEN_AMOUNT, new, f"（发布后台账 {CSV} 的改动：尚未提交的修改）") in [
        p["message"] for p in found]


def test_refreezing_after_a_data_change_is_an_error(capsys, repo):
    root, short = repo
    new = lower_one_amount(root)
    refreeze(root)
    code, found = report_issues(capsys, root)
    assert code == 1
    assert [(p["field"], p["message"]) for p in found] == [
        (f"figures.{AMOUNT}", edited_message(short, FROZEN_AMOUNT, new, f"（发布后台账 {CSV} 的改动：尚未提交的修改）"))]


def test_a_figure_added_to_a_published_report_is_an_error(capsys, repo):
    """Re-freezing with a newer rightsite adds figures the report never had (here the supervision family):
    one message per added figure, not one per leaf with a blank old value."""
    from rightsite.load import load_project
    from rightsite.report import load_year
    from rightsite.report.freeze import frozen_text

    root, short = repo
    data = load_year(load_project(root), 2024)
    assert data.report is not None and data.figures is not None and data.report.record.figures is not None
    added = [k for k in data.figures if k not in data.report.record.figures]
    assert "supervision.inspections" in added
    path = root / REPORT
    path.write_text(frozen_text(path.read_text(encoding="utf-8"), data.report.doc, 2024, data.figures,
                                dt.date(2025, 3, 5)), encoding="utf-8")
    code, found = report_issues(capsys, root)
    from rightsite.report.freeze import flatten

    with_values = [k for k in added if any(v is not None for v in flatten(data.figures[k], k).values())]  # blanks add nothing
    assert code == 1 and [p["field"] for p in found] == [f"figures.{k}" for k in with_values]
    assert {"figures.supervision.inspections", "figures.supervision.merchants"} <= {p["field"] for p in found}
    assert found[0]["message"] == (
        f"数字“监督检查”（supervision.inspections）在发布时（提交 {short}，2025-03-05）的报告中没有，"
        "已发布的报告不能增加数字，也不要重新冻结（--freeze）。请删除 figures 块中的这一项。"
        " The figure supervision.inspections was not part of the published report: remove it from the figures block.")
    assert found[0]["line"] == line_in(root, "  supervision.inspections:")


def test_refreezing_with_a_correction_entry_is_accepted(capsys, repo):
    root, _ = repo
    new = lower_one_amount(root)
    refreeze(root)
    add_correction(root, FROZEN_AMOUNT, new)
    assert report_issues(capsys, root) == (0, [])


def test_freeze_refuses_when_the_block_was_deleted(capsys, repo):
    root, short = repo
    lower_one_amount(root)
    report = root / REPORT
    report.write_text(report.read_text(encoding="utf-8").split("\n# 以下数字由")[0] + "\n", encoding="utf-8")
    before = report.read_text(encoding="utf-8")
    code, _, err = run_cli(capsys, "--root", str(root), "report", "2024", "--freeze", "--today", TODAY)
    assert code == 1 and report.read_text(encoding="utf-8") == before
    assert err.strip().splitlines()[-1] == (
        f"2024 年度报告已于 2025-03-05 发布，数字在提交 {short}（2025-03-05）冻结，不能重新冻结。"
        f"请从 git 恢复 status 和 figures 块（git show {short}:{REPORT}）；需要更正数字时，在 corrections 中登记 "
        f"date、figure、old、new、reason。 Published and frozen at {short}: never re-freeze; restore the file and record corrections.")


def test_freeze_refuses_when_the_status_was_flipped(capsys, repo):
    root, short = repo
    report = root / REPORT
    text = report.read_text(encoding="utf-8").replace("status: published", "status: draft")
    report.write_text(text.split("\n# 以下数字由")[0] + "\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "--root", str(root), "report", "2024", "--freeze", "--today", TODAY)
    assert code == 1 and "不能重新冻结" in err and "status: draft" in report.read_text(encoding="utf-8")


def deleted_block_message(short: str) -> str:
    return (f"冻结的数字 figures 块被删除了（它已于 2025-03-05 发布，数字在提交 {short}（2025-03-05）冻结）。"
            f"不要重新冻结（--freeze）：请把 figures 块原样恢复，可从 git show {short}:{REPORT} 复制；"
            "需要更正数字时，在 corrections 中登记 date、figure、old、new、reason。"
            f" The frozen figures block was deleted; restore it from git show {short}:{REPORT} and record corrections.")


def test_deleting_the_figures_block_is_an_error(capsys, repo):
    root, short = repo
    report = root / REPORT
    report.write_text(report.read_text(encoding="utf-8").split("\n# 以下数字由")[0] + "\n", encoding="utf-8")
    code, found = report_issues(capsys, root)
    assert code == 1
    assert [(p["rule"], p["line"], p["field"], p["message"]) for p in found] == [
        ("report.drift", line_in(root, "status:"), "figures", deleted_block_message(short))]


def test_deleting_the_figures_block_is_an_error_even_with_a_correction(capsys, repo):
    root, short = repo
    new = lower_one_amount(root)
    report = root / REPORT
    report.write_text(report.read_text(encoding="utf-8").split("\n# 以下数字由")[0] + "\n", encoding="utf-8")
    add_correction(root, FROZEN_AMOUNT, new)
    code, found = report_issues(capsys, root)
    assert code == 1 and deleted_block_message(short) in [p["message"] for p in found]
    assert not any("--freeze（它会写入" in p["message"] for p in found)  # never the advice to freeze


def deleted_file_message(last: str) -> str:
    return (f"已发布的 2024 年度报告 {REPORT} 被删除了（它已于 2025-03-05 发布，数字在提交 {{short}}（2025-03-05）冻结）。"
            f"已发布的报告不能删除或撤回。请恢复该文件：git checkout {last} -- {REPORT}；需要更正数字时，"
            f"在 corrections 中登记，不要重新冻结（--freeze）。"
            f" The published report {REPORT} was deleted; restore it: git checkout {last} -- {REPORT}.")


def test_deleting_the_published_report_file_is_an_error(capsys, repo):
    root, short = repo
    (root / REPORT).unlink()
    code, found = report_issues(capsys, root)
    assert code == 1
    assert found == [{"level": "error", "rule": "report.drift", "file": REPORT, "line": 1, "field": "",
                      "owner": "", "message": deleted_file_message(short).replace("{short}", short)}]


def test_deleting_the_published_report_file_in_a_commit_is_an_error(capsys, repo):
    root, short = repo
    (root / REPORT).unlink()
    gone = commit_all(root, "remove the 2024 report", "2025-09-01T10:00:00+08:00")
    code, found = report_issues(capsys, root)
    assert code == 1 and [p["message"] for p in found] == [
        deleted_file_message(f"{gone}^").replace("{short}", short)]


def flipped_message(short: str) -> str:
    return (f"已发布的报告不能改回草稿（它已于 2025-03-05 发布，数字在提交 {short}（2025-03-05）冻结）。"
            "请改回 status: published；需要更正数字时，在 corrections 中登记，不要重新冻结（--freeze）。"
            " A published report cannot go back to draft; restore `status: published`.")


def test_flipping_the_status_back_to_draft_is_an_error(capsys, repo):
    root, short = repo
    report = root / REPORT
    report.write_text(report.read_text(encoding="utf-8").replace("status: published", "status: draft"), encoding="utf-8")
    code, found = report_issues(capsys, root)
    assert code == 1
    assert [(p["line"], p["field"], p["message"]) for p in found] == [
        (line_in(root, "status:"), "status", flipped_message(short))]  # and no advice to delete the figures


def test_flipping_the_status_is_an_error_even_with_a_correction(capsys, repo):
    root, short = repo
    new = lower_one_amount(root)
    add_correction(root, FROZEN_AMOUNT, new)
    report = root / REPORT
    report.write_text(report.read_text(encoding="utf-8").replace("status: published", "status: draft"), encoding="utf-8")
    code, found = report_issues(capsys, root)
    assert code == 1 and flipped_message(short) in [p["message"] for p in found]


def test_a_committed_status_flip_is_still_an_error(capsys, repo):
    root, short = repo
    report = root / REPORT
    report.write_text(report.read_text(encoding="utf-8").replace("status: published", "status: draft"), encoding="utf-8")
    commit_all(root, "unpublish", "2025-10-01T10:00:00+08:00")
    code, found = report_issues(capsys, root)
    assert code == 1 and [p["message"] for p in found] == [flipped_message(short)]


def test_changing_the_publication_date_is_an_error(capsys, repo):
    root, _ = repo
    report = root / REPORT
    report.write_text(report.read_text(encoding="utf-8").replace("published: 2025-03-05", "published: 2025-12-01"),
                      encoding="utf-8")
    code, found = report_issues(capsys, root)
    assert code == 1 and [(p["field"], p["message"]) for p in found] == [
        ("published", "发布日期被改动了：发布时为 2025-03-05，现在是 2025-12-01。请改回 published: 2025-03-05。"
                      " The publication date was changed; restore it.")]


def test_a_committed_correction_after_a_committed_data_fix_is_clean(capsys, repo):
    root, _ = repo
    new = lower_one_amount(root)
    add_correction(root, FROZEN_AMOUNT, new)
    commit_all(root, "correct 2024", "2025-06-02T10:00:00+08:00")
    assert report_issues(capsys, root) == (0, [])


SHALLOW = ("这是浅克隆（shallow clone），没有完整的 git 历史，无法核对已发布的年度报告是否与发布时一致。"
           "请运行 git fetch --unshallow（CI 中 actions/checkout 设置 fetch-depth: 0）。"
           " Shallow clone: published reports cannot be checked against git history; fetch the full history.")


def test_a_shallow_clone_says_it_cannot_check_as_a_warning(capsys, repo, tmp_path):
    root, _ = repo
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(clone)], check=True)
    (clone / REPORT).unlink()  # not even a deleted report can be seen without history
    code, found = report_issues(capsys, clone)
    assert code == 0 and found == [{"level": "warning", "rule": "report.drift", "file": "data/reports/2025.yml",
                                    "line": 1, "field": "", "owner": "", "message": SHALLOW}]  # the first file left
    assert report_issues(capsys, clone, "--strict")[0] == 1


def test_a_shallow_clone_with_full_history_fetched_checks_again(capsys, repo, tmp_path):
    root, short = repo
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "fetch", "-q", "--unshallow"], check=True)
    (clone / REPORT).unlink()
    code, found = report_issues(capsys, clone)
    assert code == 1 and [p["message"] for p in found] == [deleted_file_message(short).replace("{short}", short)]


def test_outside_git_a_report_is_checked_against_itself_without_warning(capsys, qinghe):
    assert report_issues(capsys, qinghe) == (0, [])


def test_the_publish_workflow_fetches_full_history():
    from conftest import ROOT

    text = (ROOT / ".forgejo/workflows/publish.yml").read_text(encoding="utf-8")
    assert "fetch-depth: 0" in text


@pytest.mark.slow
def test_a_real_build_with_a_truncated_cache_publishes_a_good_pdf(built_fixture, tmp_path):
    from conftest import copy_with_cache, fixture_project

    built = built_fixture("qinghe")
    assert built.code == 0, built.err
    root = fixture_project("qinghe", tmp_path / "q")
    copy_with_cache(built.root / ".cache", root / ".cache", cache="")
    path = blob(root, "downloads/handbook.pdf")
    path.write_bytes(path.read_bytes()[:10000])
    proc = subprocess.run([sys.executable, "-m", "rightsite", "--root", str(root), "build", "--strict", "--today", TODAY],
                          capture_output=True, text=True, cwd=root, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stderr
    assert ("缓存中的 downloads/handbook.pdf 已损坏（内容与记录的摘要不符），重新生成。 Cached copy damaged; rendering again."
            in proc.stderr.splitlines())
    assert "PDF：生成 1 份，" in proc.stderr
    published = root / "site/downloads/handbook.pdf"
    assert parses(published) and published.read_bytes() == (built.site / "downloads/handbook.pdf").read_bytes()


def test_a_digest_cache_from_before_digests_is_dropped_quietly(tmp_path, messages):
    from rightsite.digestcache import DigestCache

    path = tmp_path / "output-scan.json"
    path.write_text('{"abc": 1}', encoding="utf-8")
    assert DigestCache(path, b"salt").get("abc") is None and messages == []


def test_removing_one_frozen_figure_from_the_block_is_an_error(capsys, repo):
    root, short = repo
    report = root / REPORT
    line = line_in(root, f"  {AMOUNT}:")
    report.write_text(report.read_text(encoding="utf-8").replace(f"  {AMOUNT}: {FROZEN_AMOUNT}\n", ""), encoding="utf-8")
    code, found = report_issues(capsys, root)
    assert code == 1 and [(p["field"], p["line"], p["message"]) for p in found] == [
        (f"figures.{AMOUNT}", line_in(root, "figures:"), edited_message(short, FROZEN_AMOUNT, "（空）"))]
    assert line > line_in(root, "figures:")


# ---- WeasyPrint's font files -----------------------------------------------------------------

@pytest.mark.slow
def test_pdf_workers_leave_no_font_copies_behind(tmp_path, built_fixture):
    """WeasyPrint copies every @font-face file (about 80 MB of CJK fonts) into a temporary folder
    it removes only when its FontConfiguration is garbage-collected, which pool workers never do:
    each build leaked a copy per worker until the disk was full. The folders now live under the
    project's cache, go when their process ends, and those of killed processes go at the next build."""
    root = tmp_path / "nanyu"
    seed_cache(fixture_project("nanyu", root), built_fixture("nanyu"), pdfs=False)  # every PDF is rendered
    dead = root / ".cache" / "tmp-fonts" / "4194303"  # above any pid this machine hands out
    dead.mkdir(parents=True)
    (dead / "font.otf").write_bytes(b"x" * 1000)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    done = subprocess.run([sys.executable, "-m", "rightsite", "--root", str(root), "build", "--today", TODAY],
                          capture_output=True, text=True, env={**os.environ, "TMPDIR": str(tmp)})
    assert done.returncode == 0, done.stderr
    assert "PDF：生成 " in done.stderr and "PDF：生成 0 份" not in done.stderr  # PDFs were really laid out
    assert sorted(p.name for p in tmp.iterdir() if p.name.startswith("weasyprint-")) == []
    assert list((root / ".cache" / "tmp-fonts").iterdir()) == []
