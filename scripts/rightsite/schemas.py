"""JSON Schemas for editors' editors, generated from the models (`make schemas`).

`python -m rightsite.schemas --write` rewrites data/schemas/*.json; a test fails when
the committed files differ from what the models generate.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .model import KINDS

DESCRIPTIONS = {
    "site": "data/site.yml：商场、小组、公开投诉渠道",
    "categories": "data/categories.yml：投诉性质、行业、来源渠道、处理结果",
    "laws": "data/laws.yml：引用的法律条款",
    "case": "data/cases/<id>.yml：一个匿名化的典型案例",
    "event": "data/events/<id>.yml：一次宣传活动",
    "standard": "data/standards/<id>.yml：一项服务标准",
    "inspection": "data/inspections/<id>.yml：对一家商户按一项服务标准的一次检查（内部记录，只公开汇总数字）",
    "chapter": "content/handbook/<slug>.md 的 front matter：手册章节",
    "survey": "data/surveys/<year>.yml：年度满意度调查汇总",
    "report": "data/reports/<year>.yml：年度报告的文字、状态与发布后冻结的数字",
}


def schema_for(kind: str) -> dict:
    schema = KINDS[kind].model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{kind}.json",
        "description": DESCRIPTIONS[kind],
        **schema,
    }


def render(kind: str) -> str:
    return json.dumps(schema_for(kind), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = folder / f"{kind}.json"
        path.write_text(render(kind), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    from .cli import find_root

    target = (find_root() or Path.cwd()) / "data" / "schemas"
    from . import cms  # the form-based editor's config.yml is generated from the same models

    if "--write" in sys.argv:
        for p in write_all(target):
            print(p)
        cms.config_path(target.parents[1]).write_text(cms.render(target.parents[1]), encoding="utf-8")
        print(cms.config_path(target.parents[1]))
    else:
        stale = [k for k in KINDS if not (target / f"{k}.json").exists()
                 or (target / f"{k}.json").read_text(encoding="utf-8") != render(k)]
        print("schemas out of date: " + ", ".join(stale) if stale else "schemas up to date")
        sys.exit(1 if stale else 0)
