"""The committed JSON Schemas match the models, and every record of the fixture projects (and, as a
smoke check, of the live sample) passes them."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import FIXTURE_NAMES, FIXTURES, ROOT
from rightsite.load import split_front_matter
from rightsite.model import KINDS
from rightsite.schemas import render

SCHEMAS = ROOT / "data" / "schemas"  # the committed schemas, shared by every project
PROJECTS = {name: FIXTURES / name for name in FIXTURE_NAMES} | {"sample": ROOT}


class Yaml12Loader(yaml.SafeLoader):
    """What an editor's YAML 1.2 tooling sees: dates stay strings."""


Yaml12Loader.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def schema(kind: str) -> dict:
    return json.loads((SCHEMAS / f"{kind}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", list(KINDS))
def test_committed_schema_is_generated(kind):
    committed = (SCHEMAS / f"{kind}.json").read_text(encoding="utf-8")
    assert committed == render(kind), f"run `make schemas`: data/schemas/{kind}.json is out of date"


def _records(root: Path):
    yield "site", root / "data" / "site.yml"
    yield "categories", root / "data" / "categories.yml"
    yield "laws", root / "data" / "laws.yml"
    for kind, folder in (("case", "cases"), ("event", "events"), ("standard", "standards"),
                         ("survey", "surveys"), ("report", "reports")):
        for path in sorted((root / "data" / folder).glob("*.yml")):
            yield kind, path


RECORDS = [pytest.param(kind, path, id=f"{name}-{path.parent.name}-{path.name}")
           for name, root in PROJECTS.items() for kind, path in _records(root)]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_has_every_kind_of_record(name):
    """The parametrized schema tests below really run over each fixture, one record of every kind at least."""
    kinds = {kind for kind, _ in _records(FIXTURES / name)}
    assert kinds == {"site", "categories", "laws", "case", "event", "standard", "survey", "report"}
    assert all(path.is_file() for _, path in _records(FIXTURES / name))


@pytest.mark.parametrize("kind,path", RECORDS)
def test_record_passes_schema(kind, path: Path):
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)
    jsonschema.validate(data, schema(kind))


@pytest.mark.parametrize("name", list(PROJECTS))
def test_chapters_pass_schema(name):
    chapters = sorted((PROJECTS[name] / "content" / "handbook").glob("*.md"))
    assert chapters
    for path in chapters:
        front, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
        jsonschema.validate(yaml.load(front, Loader=Yaml12Loader), schema("chapter"))


def test_schema_rejects_what_the_model_rejects():
    data = yaml.load((FIXTURES / "qinghe" / "data" / "events" / "2025-001.yml").read_text(encoding="utf-8"),
                     Loader=Yaml12Loader)
    jsonschema.validate(data, schema("event"))  # as written it passes: what fails below is the status
    data["status"] = "done"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema("event"))


@pytest.mark.parametrize("name", list(PROJECTS))
def test_every_record_names_its_schema(name):
    """In its first line, or (records saved by the editor, which drops comments) in .vscode/settings.json."""
    mapped = json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    for kind, path in _records(PROJECTS[name]):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        if first.startswith("# yaml-language-server: $schema="):
            assert first.endswith(f"{kind}.json"), path
        else:
            folder = path.parent.name
            assert name == "sample" and mapped.get(f"data/schemas/{kind}.json") in (
                f"data/{folder}/*.yml", f"data/{path.name}"), path
