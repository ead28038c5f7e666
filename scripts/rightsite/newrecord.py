"""`rightsite new case|event|standard`: a new record from a template with the next free id."""
from __future__ import annotations

import datetime as dt
import re
import sys
from importlib import resources
from pathlib import Path

FOLDERS = {"case": "cases", "event": "events", "standard": "standards"}
PLACEHOLDER = "【请填写】"


def next_id(folder: Path, kind: str, today: dt.date) -> str:
    """Cases and events: YYYY-NNN in this year; standards: std-NN."""
    names = [p.stem for p in folder.glob("*.yml")] if folder.is_dir() else []
    if kind == "standard":
        numbers = [int(m.group(1)) for n in names if (m := re.fullmatch(r"std-(\d+)", n))]
        return f"std-{max(numbers, default=0) + 1:02d}"
    numbers = [int(m.group(1)) for n in names if (m := re.fullmatch(rf"{today.year}-(\d{{3}})", n))]
    return f"{today.year}-{max(numbers, default=0) + 1:03d}"


def _project_defaults(root: Path) -> dict[str, str]:
    """The project's own names for a new record: the first of each category (all of them
    listed in a comment), the first law id, and the group's owner. Read leniently: a broken
    file leaves a placeholder, which `rightsite check` then reports."""
    import yaml

    def read(name: str) -> dict:
        try:
            data = yaml.safe_load((root / "data" / name).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return {}
        return data if isinstance(data, dict) else {}

    cats, site, laws = read("categories.yml"), read("site.yml"), read("laws.yml")
    out = {}
    for key, plural in (("nature", "natures"), ("sector", "sectors"), ("channel", "channels"), ("outcome", "outcomes")):
        names = [str(c["name"]) for c in cats.get(plural) or [] if isinstance(c, dict) and c.get("name")]
        out[key] = names[0] if names else PLACEHOLDER
        out[plural] = "、".join(names) or "（见 data/categories.yml）"
    ids = [str(law["id"]) for law in laws.get("laws") or [] if isinstance(law, dict) and law.get("id")]
    out["law"] = ids[0] if ids else PLACEHOLDER
    group = site.get("group")
    group = group if isinstance(group, dict) else {}
    out["owner"] = str(group.get("owner") or PLACEHOLDER)
    return out


def run_new(root: Path, kind: str, today: dt.date) -> int:
    folder = root / "data" / FOLDERS[kind]
    folder.mkdir(parents=True, exist_ok=True)
    record_id = next_id(folder, kind, today)
    if kind != "standard" and int(record_id[5:]) > 999:
        print(f"{today.year} 年的编号已用完（最多 999 个）。 No free id left for {today.year}.", file=sys.stderr)
        return 1
    template = resources.files("rightsite").joinpath(f"templates/new/{kind}.yml").read_text(encoding="utf-8")
    try:
        next_year = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        next_year = today.replace(year=today.year + 1, day=28)
    text = template.replace("{id}", record_id).replace("{today}", today.isoformat()).replace("{next_year}", next_year.isoformat())
    for key, value in _project_defaults(root).items():
        text = text.replace("{" + key + "}", value)
    path = folder / f"{record_id}.yml"
    with path.open("x", encoding="utf-8") as fh:  # never overwrite
        fh.write(text)
    print(path.relative_to(root).as_posix())
    return 0
