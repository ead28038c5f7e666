"""`rightsite fmt`: every record the form-based editor writes, in exactly the form it writes.

Decap CMS does not edit a file in place: it parses it (yaml 1.x, YAML 1.2 core schema), drops
its comments and rewrites the whole file with its own layout (keys in the form's order, lists
as `- item` blocks, long texts as `>` blocks). Saving one field of a hand-written record would
therefore change every line. Once the records are in that form, a save touches only the lines
of the fields that changed. The layout is produced by cms/fmt.js with the very libraries Decap
bundles, so it is Decap's own, not an imitation.

A file is only rewritten when the result means the same to the strict loader (every record
validated before and after), and a file with comments is left alone unless `--drop-comments`
(Decap would drop them at the first save). `check` warns `fmt.layout` for records out of form
in a project that has the editor (cms/package.json).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from .load import split_front_matter
from .model import Case, Chapter, Event, Laws, Site, Standard
from .problems import Problems
from .yamlio import parse_yaml

SCHEMA_LINE = re.compile(r"#\s*yaml-language-server:")
COMMENT = re.compile(r"^\s*#")

# (glob, model, Decap collection name) of every file the editor writes
TARGETS: tuple[tuple[str, type[BaseModel], str], ...] = (
    ("data/cases/*.yml", Case, "cases"),
    ("data/events/*.yml", Event, "events"),
    ("data/standards/*.yml", Standard, "standards"),
    ("content/handbook/*.md", Chapter, "handbook"),
    ("data/laws.yml", Laws, "laws"),
    ("data/site.yml", Site, "site"),
)


@dataclass
class Result:
    path: str  # relative to the project root
    old: str
    new: str | None  # None: could not be formatted (see `why`)
    why: str = ""

    @property
    def changed(self) -> bool:
        return self.new is not None and self.new != self.old


def formatter(root: Path) -> tuple[str, Path] | None:
    """(node, cms/fmt.js) with Decap's libraries installed, or None (`make setup` installs them)."""
    node = shutil.which("node")
    for base in (Path(root) / "cms", Path(__file__).resolve().parents[2] / "cms"):
        if (base / "fmt.js").exists() and (base / "node_modules" / "yaml").is_dir() \
                and (base / "node_modules" / "gray-matter").is_dir():
            return (node, base / "fmt.js") if node else None
    return None


def _sorted_keys() -> dict[str, list[str]]:
    from .cms import collections

    out = {}
    for c in collections({}):
        fields = c["fields"] if "fields" in c else c["files"][0]["fields"]
        out[c["name"]] = [f["name"] for f in fields]
    return out


def targets(root: Path) -> list[tuple[Path, type[BaseModel], str]]:
    found: list[tuple[Path, type[BaseModel], str]] = []
    for pattern, model, name in TARGETS:
        found += [(p, model, name) for p in sorted(Path(root).glob(pattern)) if p.is_file()]
    return found


def _meaning(text: str, model: type[BaseModel], markdown: bool):
    """What the strict loader makes of a file: the validated record (and the body), or None."""
    body = ""
    if markdown:
        front, body, _ = split_front_matter(text)
        if front is None:
            return None
        text = front
    doc = parse_yaml(text)
    if doc.issues or not isinstance(doc.data, dict):
        return None
    try:
        record = model.model_validate(doc.data)
    except ValueError:
        return None
    return record.model_dump(), body.strip("\n")  # python values: Decimal("3200.50") == Decimal("3200.5")


def comments(text: str) -> list[int]:
    """1-based lines of comments (other than the editor's schema line): Decap drops them."""
    return [i for i, line in enumerate(text.split("\n"), 1) if COMMENT.match(line) and not SCHEMA_LINE.search(line)]


def format_project(root: Path, drop_comments: bool = False) -> list[Result]:
    """The canonical form of every file the editor writes (nothing is written here)."""
    root = Path(root)
    tool = formatter(root)
    if tool is None:
        raise RuntimeError("找不到编辑器的格式化程序：请先运行 make setup（需要 node 与 cms/node_modules）。"
                           " Decap's libraries are missing: run `make setup`.")
    sorted_keys = _sorted_keys()
    files = targets(root)
    olds = [p.read_text(encoding="utf-8") for p, _, _ in files]
    request = [{"path": p.relative_to(root).as_posix(), "text": old,
                "format": "frontmatter" if p.suffix == ".md" else "yml", "sorted": sorted_keys[name]}
               for (p, _, name), old in zip(files, olds)]
    proc = subprocess.run([tool[0], str(tool[1])], input=json.dumps(request), capture_output=True,
                          text=True, encoding="utf-8", check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"cms/fmt.js failed: {proc.stderr.strip()[:500]}")
    results = []
    for (path, model, _), old, answer in zip(files, olds, json.loads(proc.stdout)):
        rel = path.relative_to(root).as_posix()
        new = answer.get("text")
        if new is None:
            results.append(Result(rel, old, None, f"编辑器无法读取此文件：{answer.get('error', '')[:200]}"))
            continue
        if new == old:
            results.append(Result(rel, old, new))
            continue
        markdown = path.suffix == ".md"
        before, after = _meaning(old, model, markdown), _meaning(new, model, markdown)
        if before is None:
            results.append(Result(rel, old, None, "记录有错误，请先按 rightsite check 的提示改正。"))
        elif after != before:
            results.append(Result(rel, old, None, "改成编辑器的格式后内容会变（例如 1.0 会变成 1）："
                                                  "请给这类值加引号后再运行。"))
        elif comments(old) and not drop_comments:
            lines = "、".join(map(str, comments(old)[:8]))
            results.append(Result(rel, old, None, f"第 {lines} 行有注释，编辑器保存时会删掉它们：请把要保留的"
                                                  "内容写进字段，再运行 rightsite fmt --drop-comments。"))
        else:
            results.append(Result(rel, old, new))
    return results


def layout_problems(root: Path) -> Problems:
    """`fmt.layout` warnings for a project that has the editor (cms/package.json)."""
    out = Problems()
    root = Path(root)
    if not (root / "cms" / "package.json").exists() or formatter(root) is None:
        return out
    try:
        results = format_project(root, drop_comments=True)
    except RuntimeError:
        return out
    for r in results:
        if r.new is not None and r.changed:
            out.warning("fmt.layout", r.path, 1, "",
                        "文件不是编辑器保存的格式：在编辑器中改一个字段会改动整个文件。请运行 rightsite fmt。"
                        " Not in the editor's layout; run `rightsite fmt`.")
    return out


def run_fmt(root: Path, check: bool, drop_comments: bool = False) -> int:
    try:
        results = format_project(root, drop_comments)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 2
    out_of_form = [r for r in results if r.changed or r.new is None]
    for r in results:
        if r.new is None:
            print(f"{r.path}: 未改动 left as is: {r.why}", file=sys.stderr)
        elif r.changed and check:
            print(f"{r.path}: 不是编辑器的格式 not in the editor's layout")
        elif r.changed:
            (Path(root) / r.path).write_text(r.new, encoding="utf-8")
            print(f"{r.path}: 已改为编辑器的格式 rewritten")
    if check:
        return 1 if out_of_form else 0
    return 1 if any(r.new is None for r in results) else 0
