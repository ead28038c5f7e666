"""Synthetic projects at k times the sample, for benchmarks. Never committed.

Records are copies of the sample's real Chinese records with new ids and distinct titles,
so they pass the same models and the same guard; every copy is validated on load.
"""
from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import yaml


def _dump(data: dict, schema: str) -> str:
    return f"# yaml-language-server: $schema=../schemas/{schema}.json\n" + yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=1000)


def _load(path: Path) -> dict:
    # BaseLoader keeps every scalar as text, as the project's own reader does
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def make_project(sample: Path, dest: Path, k: int, complaint_rows: int | None = None) -> Path:
    """Write a project with k× the sample's chapters, cases, events and standards into `dest`."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ("theme", "mkdocs.yml"):
        src = sample / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / name)
    data = dest / "data"
    data.mkdir()
    for name in ("site.yml", "categories.yml", "laws.yml", "FIELDS.md"):
        shutil.copy(sample / "data" / name, data / name)
    shutil.copytree(sample / "data" / "schemas", data / "schemas")
    # reports are left out: a frozen report would (rightly) refuse the regenerated complaints
    if (sample / "data" / "surveys").is_dir():
        shutil.copytree(sample / "data" / "surveys", data / "surveys")
    content = dest / "content"
    content.mkdir()
    for sub in ("cases", "events"):
        if (sample / "content" / sub).is_dir():
            shutil.copytree(sample / "content" / sub, content / sub)
    _chapters(sample, content / "handbook", k)
    _copies(sample / "data" / "cases", data / "cases", k, "case")
    _copies(sample / "data" / "events", data / "events", k, "event")
    _standards(sample, data / "standards", k)
    _inspections(sample, data / "inspections", k)
    _complaints(sample, data / "complaints", k, complaint_rows)
    return dest


def _chapters(sample: Path, out: Path, k: int) -> None:
    out.mkdir(parents=True)
    files = sorted((sample / "content" / "handbook").glob("*.md"))
    for n in range(k):
        for f in files:
            text = f.read_text(encoding="utf-8")
            if n:
                text = re.sub(r"^title: (.*)$", lambda m: f"title: {m.group(1)}（{n + 1}）", text, count=1, flags=re.M)
                text = re.sub(r"^order: (\d+)$", lambda m: f"order: {int(m.group(1)) + 100 * n}", text, count=1, flags=re.M)
                # links between chapters point at the same copy
                text = re.sub(r"\]\(([a-z0-9-]+)\.md", lambda m: f"]({m.group(1)}-{n + 1}.md", text)
            name = f.name if n == 0 else f"{f.stem}-{n + 1}.md"
            (out / name).write_text(text, encoding="utf-8")


def _renumber(sample_dir: Path, k: int) -> tuple[list[tuple[str, dict]], dict[tuple[int, str], str]]:
    """Copies of every record with ids YYYY-NNN renumbered per year; mapping (copy, old id) -> new id."""
    records = [(p.stem, _load(p)) for p in sorted(sample_dir.glob("*.yml"))]
    counters: dict[str, int] = {}
    mapping: dict[tuple[int, str], str] = {}
    out = []
    for n in range(k):
        for old, data in records:
            year = old[:4]
            counters[year] = counters.get(year, 0) + 1
            new = f"{year}-{counters[year]:03d}"
            mapping[(n, old)] = new
            out.append((new, {**data, "_copy": n, "_old": old}))
    return out, mapping


def _copies(sample_dir: Path, out: Path, k: int, schema: str) -> None:
    """k copies of cases or events: new ids, distinct titles, `related` kept within each copy."""
    out.mkdir(parents=True)
    records, mapping = _renumber(sample_dir, k)
    for new, data in records:
        n = data.pop("_copy")
        data.pop("_old")
        data["id"] = new
        if n:
            data["title"] = f"{data['title']}（{n + 1}）"
        if "related" in data:
            data["related"] = [mapping.get((n, r), r) for r in data.get("related") or []]
        (out / f"{new}.yml").write_text(_dump(data, schema), encoding="utf-8")


def _standards(sample: Path, out: Path, k: int) -> None:
    out.mkdir(parents=True)
    files = sorted((sample / "data" / "standards").glob("*.yml"))
    for n in range(k):
        for f in files:
            data = _load(f)
            data["id"] = _std_id(f.stem, n)
            if n:
                data["title"] = f"{data['title']}（{n + 1}）"
            (out / f"{data['id']}.yml").write_text(_dump(data, "standard"), encoding="utf-8")


def _std_id(old: str, n: int) -> str:
    """The id of copy `n` of standard `old` (std-06 -> std-206 in copy 2): the first copy keeps the sample's id."""
    if n == 0:
        return old
    prefix, number = re.fullmatch(r"(.*?)(\d+)", old).groups()  # type: ignore[union-attr]
    return f"{prefix}{100 * n + int(number)}"


def _inspections(sample: Path, out: Path, k: int) -> None:
    """k copies of the inspections, each copy pointing at its own copy of the standard."""
    src = sample / "data" / "inspections"
    if not src.is_dir():
        return
    out.mkdir(parents=True)
    # ids are YYYY-NNN: at most 999 a year, so at 50× the inspections stop growing there
    per_year = Counter(p.stem[:4] for p in src.glob("*.yml"))
    records, _ = _renumber(src, min(k, 999 // max(per_year.values(), default=1)))
    for new, data in records:
        n = data.pop("_copy")
        data.pop("_old")
        data["id"] = new
        data["standard"] = _std_id(data["standard"], n)
        (out / f"{new}.yml").write_text(_dump(data, "inspection"), encoding="utf-8")


def _complaints(sample: Path, out: Path, k: int, rows: int | None) -> None:
    src = sample / "data" / "complaints"
    if not src.is_dir():
        return
    out.mkdir(parents=True)
    try:
        from ..report.sample import generate_rows, write_csv
    except ImportError:
        for f in src.glob("*.csv"):
            shutil.copy(f, out / f.name)
        return
    for f in sorted(src.glob("*.csv")):
        year = int(f.stem)
        base = sum(1 for _ in f.open(encoding="utf-8-sig")) - 1
        write_csv(out / f.name, generate_rows(year, rows or base * k, seed=year))
