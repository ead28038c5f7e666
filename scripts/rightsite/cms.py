"""The form-based editor (Decap CMS at /admin/): its config.yml, generated from the models.

Nothing here is written by hand per field: one collection per record kind, a widget per
field type, the label from the model field's `title`, the hint from its `description`,
`required` from the model, select options from data/categories.yml, relations for law ids
and related cases. `make schemas` writes cms/config.yml (a test fails when it is out of date);
the preview (`make serve`, `make edit`) serves a config generated afresh from the project,
with Decap's own files from cms/node_modules, never from a CDN. No MkDocs imports here.

`python -m rightsite.cms --write` rewrites cms/config.yml.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sys
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from annotated_types import Ge, Le, MaxLen, MinLen
from pydantic import AwareDatetime, BaseModel
from pydantic.fields import FieldInfo

from .model import Case, Chapter, Event, Law, Standard
from .model.site import Channel
from .yamlio import parse_yaml

DECAP_VERSION = "3.16.3"
CMS_DIR = "cms"  # beside data/: package.json, package-lock.json, admin/index.html, config.yml
DIST = Path("node_modules") / "decap-cms" / "dist"
LOCAL_BACKEND = "http://127.0.0.1:8081/api/v1"
DATE_FORMAT = "YYYY-MM-DD"
DATETIME_FORMAT = "YYYY-MM-DDTHH:mm:ssZ"  # 2026-03-15T10:00:00+08:00

# Free-text fields edited in a multi-line box; every other text field is one line.
LONG_TEXT = {"summary", "process", "result", "analysis", "tips", "merchant_tips", "description",
             "text", "changes", "note", "intro", "finding", "reason"}
# Fields whose values are names from data/categories.yml (its list key).
CATEGORY_FIELDS = {"nature": "natures", "sector": "sectors", "channel": "channels", "outcome": "outcomes"}
ALL_SECTORS = "全部"

HEADER = ("# Generated from the models in scripts/rightsite/model by `make schemas`"
          " (scripts/rightsite/cms.py): do not edit.\n"
          "# The form-based editor (Decap CMS) at /admin/ of the preview; see README, 在浏览器中编辑.\n")


# -- categories -----------------------------------------------------------------
def category_names(root: Path) -> dict[str, list[str]]:
    """{"natures": [...], "sectors": [...], ...} read from data/categories.yml, in file order.

    Read as plain data, so a broken categories file still gives a config (the check reports it)."""
    path = Path(root) / "data" / "categories.yml"
    try:
        data = parse_yaml(path.read_text(encoding="utf-8")).data
    except OSError:
        data = None
    out: dict[str, list[str]] = {}
    for key in CATEGORY_FIELDS.values():
        items = data.get(key) if isinstance(data, dict) else None
        out[key] = [str(i["name"]) for i in items or [] if isinstance(i, dict) and i.get("name")]
    return out


# -- widgets ----------------------------------------------------------------------
def _unwrap(annotation: Any) -> tuple[Any, bool, list]:
    """(inner type, is optional, metadata) of Annotated[...] / X | None."""
    optional = False
    meta: list = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            args = typing.get_args(annotation)
            annotation, meta = args[0], meta + list(args[1:])
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation, optional, meta


def _constraints(info: FieldInfo, meta: list) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for m in [*info.metadata, *meta]:
        if isinstance(m, Ge):
            found["min"] = m.ge
        elif isinstance(m, Le):
            found["max"] = m.le
        elif isinstance(m, MinLen):
            found["min_length"] = m.min_length
        elif isinstance(m, MaxLen):
            found["max_length"] = m.max_length
        elif getattr(m, "pattern", None):
            found.setdefault("pattern", m.pattern)  # the field's own pattern comes first, then its type's
        elif isinstance(m, FieldInfo):
            found.update(_constraints(m, []))
        elif hasattr(m, "metadata"):
            found.update(_constraints(FieldInfo(), list(getattr(m, "metadata", []))))
    return found


def _law_relation() -> dict[str, Any]:
    return {"widget": "relation", "collection": "laws", "file": "laws", "value_field": "laws.*.id",
            "search_fields": ["laws.*.id", "laws.*.short", "laws.*.article", "laws.*.summary"],
            "display_fields": ["laws.*.id", "laws.*.short", "laws.*.article"]}


def _case_relation() -> dict[str, Any]:
    return {"widget": "relation", "collection": "cases", "value_field": "id",
            "search_fields": ["id", "title"], "display_fields": ["id", "title"]}


def _option_labels(values: list[str], description: str) -> dict[str, str]:
    """Chinese names of coded options from a description like "hotline 电话 / email 邮箱"."""
    out = {}
    for v in values:
        m = re.search(rf"(?:^|/)\s*{re.escape(v)}\s+([^/（(]+)", description)
        if m and not v[0] > "\u2e80":  # an option already in Chinese needs no label
            out[v] = f"{m.group(1).strip()}（{v}）"
    return out


def _module_labels(values: list[str], model: type[BaseModel] | None) -> dict[str, str]:
    """Chinese names of coded options from the model module's *_LABELS tables (STATUS_LABELS)."""
    module = sys.modules.get(model.__module__) if model else None
    for name, table in vars(module).items() if module else ():
        if name.endswith("_LABELS") and isinstance(table, dict) and set(values) <= set(table):
            return {v: f"{table[v]}（{v}）" for v in values}
    return {}


def _scalar(name: str, kind: Any, info: FieldInfo, cons: dict, cats: dict[str, list[str]],
            model: type[BaseModel] | None = None) -> dict[str, Any]:
    """The widget of one scalar value (also used for the items of a list)."""
    if typing.get_origin(kind) is Literal:
        values = [str(v) for v in typing.get_args(kind)]
        labels = _module_labels(values, model) or _option_labels(values, info.description or "")
        return {"widget": "select", "options": [{"label": labels[v], "value": v} if v in labels else v for v in values]}
    if kind is bool:
        return {"widget": "boolean"}
    if kind is int:
        w: dict[str, Any] = {"widget": "number", "value_type": "int"}
        w.update({k: cons[k] for k in ("min", "max") if k in cons})
        return w
    if kind is Decimal or kind is float:
        w = {"widget": "number", "value_type": "float", "step": 0.01}
        w.update({k: float(cons[k]) for k in ("min", "max") if k in cons})
        return w
    if kind is dt.date:
        return {"widget": "datetime", "format": DATE_FORMAT, "date_format": DATE_FORMAT, "time_format": False,
                "picker_utc": True}
    if kind is dt.datetime or kind is AwareDatetime:
        return {"widget": "datetime", "format": DATETIME_FORMAT, "date_format": DATE_FORMAT, "time_format": "HH:mm"}
    if name in CATEGORY_FIELDS and cats.get(CATEGORY_FIELDS[name]):
        return {"widget": "select", "options": cats[CATEGORY_FIELDS[name]]}
    w = {"widget": "text" if name in LONG_TEXT else "string"}
    if cons.get("pattern"):
        how = f"：{info.description}" if info.description else f"，应符合 {cons['pattern']}"
        w["pattern"] = [cons["pattern"], "格式不对" + how]
    return w


def field_config(name: str, info: FieldInfo, cats: dict[str, list[str]], model: type[BaseModel]) -> dict[str, Any]:
    """One Decap field from one pydantic field."""
    kind, optional, meta = _unwrap(info.annotation)
    cons = _constraints(info, meta)
    out: dict[str, Any] = {"name": name, "label": info.title or name}
    if info.description:
        out["hint"] = info.description
    required = info.is_required()
    origin = typing.get_origin(kind)
    if origin is list:
        (item,) = typing.get_args(kind)
        item, _, item_meta = _unwrap(item)
        if name in ("laws", "superseded_by"):
            out.update(_law_relation(), multiple=True)
        elif name in ("related", "featured_cases"):
            out.update(_case_relation(), multiple=True)
        elif name == "sectors" and cats.get("sectors"):
            out.update(widget="select", multiple=True, options=[ALL_SECTORS, *cats["sectors"]])
        elif isinstance(item, type) and issubclass(item, BaseModel):
            out.update(widget="list", fields=model_fields(item, cats))
            out["summary"] = "{{fields." + next(iter(item.model_fields)) + "}}"
        else:
            out.update(widget="list", field={"name": name, "label": out["label"],
                                             **_scalar(name, item, FieldInfo(), _constraints(FieldInfo(), item_meta), cats)})
        if cons.get("min_length"):
            out["min"] = cons["min_length"]
        required = required or bool(cons.get("min_length"))
    elif isinstance(kind, type) and issubclass(kind, BaseModel):
        out.update(widget="object", fields=model_fields(kind, cats))
        if optional or not required:
            out["collapsed"] = True
    elif name == "superseded_by":
        out.update(_law_relation())
    else:
        out.update(_scalar(name, kind, info, cons, cats, model))
    if not info.is_required() and info.default is not None and info.default_factory is None \
            and not isinstance(info.default, BaseModel):
        default = info.default
        out["default"] = float(default) if isinstance(default, Decimal) else default
    out["required"] = bool(required)
    return out


def model_fields(model: type[BaseModel], cats: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [field_config(name, info, cats, model) for name, info in model.model_fields.items()]


# -- collections ----------------------------------------------------------------------
def _folder(name: str, label: str, singular: str, folder: str, model: type[BaseModel],
            cats: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "name": name, "label": label, "label_singular": singular,
        "folder": folder, "extension": "yml", "format": "yml",
        "create": True, "identifier_field": "id", "slug": "{{fields.id}}",
        "summary": "{{id}}　{{title}}", "sortable_fields": ["id", "title"], "editor": {"preview": False},
        "fields": model_fields(model, cats),
    }


def collections(cats: dict[str, list[str]]) -> list[dict[str, Any]]:
    chapter = {
        "name": "handbook", "label": "维权手册", "label_singular": "章节",
        "folder": "content/handbook", "extension": "md", "format": "yaml-frontmatter",
        "create": False, "identifier_field": "title", "summary": "{{order}}. {{title}}", "editor": {"preview": False},
        "sortable_fields": ["order", "title"],
        "fields": [*model_fields(Chapter, cats),
                   {"name": "body", "label": "正文", "widget": "markdown", "modes": ["raw"],
                    "hint": "Markdown：## 小标题，- 列表，[链接文字](../其他章节/)", "required": True}],
    }
    laws = _file_list("laws", "法律依据", "法律条款（data/laws.yml）", "data/laws.yml", "laws", "法律条款",
                      "{{fields.id}}　{{fields.short}}{{fields.article}}", model_fields(Law, cats))
    site = _file_list("site", "投诉渠道", "公开投诉渠道（data/site.yml）", "data/site.yml", "channels", "投诉渠道",
                      "{{fields.name}}：{{fields.value}}", model_fields(Channel, cats))
    return [
        _folder("cases", "典型案例", "案例", "data/cases", Case, cats),
        _folder("events", "宣传活动", "活动", "data/events", Event, cats),
        _folder("standards", "服务标准", "标准", "data/standards", Standard, cats),
        chapter, laws, site,
    ]


def config(root: Path, backend_url: str = LOCAL_BACKEND) -> dict[str, Any]:
    """The whole config.yml as data. The forge backend for publishing comes from
    cms/backend.yml if the project has one (see README); by default only the local one."""
    root = Path(root)
    backend: dict[str, Any] = {"name": "git-gateway", "branch": "main"}
    extra: dict[str, Any] = {}
    custom = root / CMS_DIR / "backend.yml"
    if custom.exists():
        loaded = yaml.safe_load(custom.read_text(encoding="utf-8")) or {}
        backend = loaded.pop("backend", backend)
        extra = loaded
    return {
        "locale": "zh_Hans",
        "backend": backend,
        "local_backend": {"url": backend_url},
        **extra,
        "media_folder": "content/assets/uploads",
        "public_folder": "/assets/uploads",
        "slug": {"encoding": "ascii", "clean_accents": True},
        "collections": collections(category_names(root)),
    }


def render(root: Path, backend_url: str = LOCAL_BACKEND) -> str:
    return HEADER + yaml.safe_dump(config(root, backend_url), allow_unicode=True, sort_keys=False, width=1000)


def config_path(root: Path) -> Path:
    return Path(root) / CMS_DIR / "config.yml"


ADMIN_HTML = """<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>内容编辑 · rightsite</title>
  <link href="config.yml" type="text/yaml" rel="cms-config-url">
  <script>
    // The preview reloads its pages whenever a file changes; here that would throw away an
    // editor's unsaved work, so the editor page does not poll for reloads.
    (function (open) {
      XMLHttpRequest.prototype.open = function (method, url) {
        if (String(url).indexOf("/livereload/") === 0) { this.send = function () {}; }
        return open.apply(this, arguments);
      };
    })(XMLHttpRequest.prototype.open);
  </script>
</head>
<body>
  <noscript>编辑器需要启用 JavaScript。</noscript>
  <script src="decap-cms.js"></script>
</body>
</html>
"""


def dist_dir(root: Path) -> Path | None:
    """Decap's built files, from the project's own cms/node_modules (or the package's checkout)."""
    for base in (Path(root) / CMS_DIR, Path(__file__).resolve().parents[2] / CMS_DIR):
        if (base / DIST / "decap-cms.js").exists():
            return base / DIST
    return None


def write_admin(root: Path, site_dir: Path) -> bool:
    """Put /admin/ (index.html, config.yml, Decap's scripts) into a preview's site folder.

    Only the preview calls this: the public site has no /admin/. False if Decap is not installed
    (`make setup` installs it)."""
    dist = dist_dir(root)
    if dist is None:
        return False
    admin = Path(site_dir) / "admin"
    admin.mkdir(parents=True, exist_ok=True)
    (admin / "index.html").write_text(ADMIN_HTML, encoding="utf-8")
    port = os.environ.get("RIGHTSITE_CMS_PORT", "")  # set by `make edit` (CMS_PORT)
    url = LOCAL_BACKEND.replace(":8081/", f":{port}/") if port.isdigit() else LOCAL_BACKEND
    (admin / "config.yml").write_text(render(root, url), encoding="utf-8")
    for src in dist.iterdir():
        if src.name.endswith("decap-cms.js") or src.suffix == ".wasm":
            dst = admin / src.name
            if not dst.exists() or dst.stat().st_size != src.stat().st_size:
                shutil.copyfile(src, dst)
    return True


if __name__ == "__main__":
    from .cli import find_root

    project = find_root() or Path.cwd()
    target = config_path(project)
    if "--write" in sys.argv:
        target.write_text(render(project), encoding="utf-8")
        print(target)
    else:
        fresh = target.exists() and target.read_text(encoding="utf-8") == render(project)
        print("cms/config.yml up to date" if fresh else "cms/config.yml out of date: run `make schemas`")
        sys.exit(0 if fresh else 1)


def _file_list(name: str, label: str, file_label: str, file: str, key: str, key_label: str, summary: str,
               fields: list) -> dict:
    """A collection of one file whose records are the list under `key` (laws.yml, site.yml's channels)."""
    return {"name": name, "label": label, "editor": {"preview": False},
            "files": [{"name": key, "label": file_label, "file": file,
                       "fields": [{"name": key, "label": key_label, "widget": "list", "min": 1, "required": True,
                                   "summary": summary, "fields": fields}]}]}
