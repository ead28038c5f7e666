"""Shared fixtures: throwaway copies of the fixture projects (other malls, frozen under
tests/fixtures/) or of the sample, each fixture built once per test run, and running the CLI in-process."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_NAMES = ("qinghe", "nanyu")
TODAY = "2026-11-25"


def fixture_project(name: str, dest: Path) -> Path:
    """A project made of the repository's mkdocs.yml, theme/ and schemas and a fixture's data/ and content/."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in ("data", "content"):
        shutil.copytree(FIXTURES / name / part, dest / part)
    shutil.copytree(ROOT / "data" / "schemas", dest / "data" / "schemas", dirs_exist_ok=True)
    shutil.copytree(ROOT / "theme", dest / "theme", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


@dataclass
class Built:
    """A project built by `rightsite build --strict` in a subprocess: its root, site/ and output."""

    root: Path
    code: int
    out: str
    err: str

    @property
    def site(self) -> Path:
        return self.root / "site"


def build_once(base: Path, name: str, make, strict: bool = True) -> Built:
    """Build `name` (made by `make(root)`) once per test run, shared by every xdist worker (a
    lock file guards it); `strict` false lets guard warnings through. A worker that finds the
    build under way in another one first makes the shared builds nobody has started (SHARED),
    instead of waiting idle."""
    base.mkdir(parents=True, exist_ok=True)
    with open(base / f"{name}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _help_with_shared_builds(base, busy=name)
            fcntl.flock(lock, fcntl.LOCK_EX)
        root, result = base / name, base / f"{name}.json"
        if not result.exists():
            shutil.rmtree(root, ignore_errors=True)
            make(root)
            env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
            env.pop("SOURCE_DATE_EPOCH", None)
            proc = subprocess.run([sys.executable, "-m", "rightsite", "--root", str(root), "build",
                                   *(["--strict"] if strict else []), "--today", TODAY],
                                  capture_output=True, text=True, cwd=root, env=env)
            result.write_text(json.dumps([proc.returncode, proc.stdout, proc.stderr]), encoding="utf-8")
        code, out, err = json.loads(result.read_text(encoding="utf-8"))
    return Built(root, code, out, err)


def _help_with_shared_builds(base: Path, busy: str) -> None:
    """Make every shared build this run needs (SHARED, longest first) that is neither made nor under way."""
    for name, (make, strict) in SHARED.items():
        if name == busy or name not in NEEDED or (base / f"{name}.json").exists():
            continue
        with open(base / f"{name}.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # under way in another worker
        build_once(base, name, make, strict)  # (another worker may take it in between: then this waits)


# Caches a fresh copy of a fixture starts with, taken from the shared build of that fixture:
# every one is keyed by its inputs (or checked against them), so a copy reuses what its edits
# did not change and still computes the rest.
SEEDED_CACHE = ("charts", "jinja", "pii-records.json", "output-scan.json", "pdf", "reports")


def seed_cache(root: Path, built: Built, pdfs: bool = True) -> Path:
    """Give `root` (a fresh copy of the fixture `built` was built from) that build's caches:
    SEEDED_CACHE copied, fonts/ (80 MB of extracted faces) hard-linked, which is safe because
    rightsite only ever replaces a cached font and no test writes one in place. `pdfs` false
    leaves out the PDF caches (pdf/, reports/), for a test that counts what it renders."""
    src, dest = built.root / ".cache", root / ".cache"
    dest.mkdir(parents=True, exist_ok=True)
    for part in SEEDED_CACHE:
        if not pdfs and part in ("pdf", "reports"):
            continue
        if (src / part).is_dir():
            shutil.copytree(src / part, dest / part)
        elif (src / part).is_file():
            shutil.copy2(src / part, dest / part)
    link_fonts(src, dest)
    # a test that puts the copy under git (`git add -A`) commits what a cold copy would have
    (dest / ".gitignore").write_text("*\n", encoding="utf-8")
    return root


def link_fonts(src: Path, dest: Path) -> Path:
    """Hard-link the extracted fonts of cache folder `src` into cache folder `dest` (see seed_cache)."""
    if (src / "fonts").is_dir():
        shutil.copytree(src / "fonts", dest / "fonts", copy_function=os.link)
    return dest


def copy_with_cache(src: Path, dest: Path, cache: str = ".cache", skip: tuple[str, ...] = ()) -> Path:
    """shutil.copytree of a project (or, with cache="", of a cache folder) whose cached fonts are
    hard-linked (see seed_cache) and whose tmp-fonts/ (WeasyPrint's copies of them, for the
    processes that made them) is left out, as are the names in `skip`."""
    fonts = (src / cache / "fonts").resolve()

    def copy(a: str, b: str) -> None:
        if Path(a).resolve().parent == fonts:
            os.link(a, b)
        else:
            shutil.copy2(a, b)

    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("tmp-fonts", *skip), copy_function=copy)
    return dest


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory) -> Path:
    """A folder shared by all xdist workers of this run (the parent of each worker's base temp)."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-builds"


def build_fixture(shared_dir: Path, name: str) -> Built:
    return build_once(shared_dir, name, lambda root: fixture_project(name, root))


@pytest.fixture(scope="session")
def built_fixture(shared_dir):
    """built_fixture("qinghe") -> Built: the fixture project built once for the whole run."""
    return lambda name: build_fixture(shared_dir, name)


def build_copy(shared_dir: Path, name: str, fixture: str, make, strict: bool = False) -> Built:
    """build_once of a changed copy of `fixture` (`make(root)` writes it), its caches seeded from
    the fixture's shared build, so only what the changes touch is rendered again."""
    def make_seeded(root: Path) -> None:
        make(root)
        seed_cache(root, build_fixture(shared_dir, fixture))

    return build_once(shared_dir, name, make_seeded, strict)


@pytest.fixture(scope="session")
def built_sample(shared_dir) -> Built:
    """The live sample built once: for its smoke tests only (no test asserts the sample's values)."""
    return build_once(shared_dir, "sample", copy_project, strict=False)  # see test_sample_builds_and_…


def copy_project(dest: Path) -> Path:
    for name in ("data", "content", "theme"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    """A fresh copy of the live sample, for its smoke tests only (no test asserts its values)."""
    return copy_project(tmp_path / "proj")


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    from rightsite.cli import main

    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def check_json(capsys, root: Path, *extra: str) -> tuple[int, dict]:
    code, out, _ = run_cli(capsys, "--root", str(root), "check", "--today", TODAY, "--format", "json", *extra)
    return code, json.loads(out)


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line containing `needle`."""
    hits = [i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in ln]
    return hits[nth - 1]


@pytest.fixture
def qinghe(tmp_path: Path, built_fixture) -> Path:
    """A fresh copy of the qinghe fixture project (青禾里生活广场) that a test may break, with the
    caches of its shared build (seed_cache); a test of a cold cache uses fixture_project."""
    return seed_cache(fixture_project("qinghe", tmp_path / "qinghe"), built_fixture("qinghe"))


@pytest.fixture
def nanyu(tmp_path: Path, built_fixture) -> Path:
    """A fresh copy of the nanyu fixture project (南屿湾购物公园) that a test may break, with the
    caches of its shared build (seed_cache); a test of a cold cache uses fixture_project."""
    return seed_cache(fixture_project("nanyu", tmp_path / "nanyu"), built_fixture("nanyu"))


# the shared builds a waiting worker makes (build_once), longest first: name -> (make, strict)
SHARED = {
    "sample": (copy_project, False),
    "qinghe": (lambda root: fixture_project("qinghe", root), True),
    "nanyu": (lambda root: fixture_project("nanyu", root), True),
}
NEEDED: set[str] = set()  # those some collected test may use (a run of a few tests makes no other)


@pytest.hookimpl(trylast=True)  # after -m and -k have deselected
def pytest_collection_modifyitems(items) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if "built_sample" in names:
            NEEDED.add("sample")
        copies = names & set(FIXTURE_NAMES)  # the `qinghe` and `nanyu` fixtures use built_fixture for their own
        NEEDED.update(copies if copies else FIXTURE_NAMES if "built_fixture" in names else ())
