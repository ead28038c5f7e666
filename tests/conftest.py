"""Shared fixtures: a throwaway copy of the sample project, and running the CLI in-process."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-11-25"


def copy_project(dest: Path) -> Path:
    for name in ("data", "content", "theme"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the sample project that a test may break."""
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
