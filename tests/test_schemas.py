"""The committed JSON Schemas match the models, and every sample record passes them."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ROOT
from rightsite.load import split_front_matter
from rightsite.model import KINDS
from rightsite.schemas import render


class Yaml12Loader(yaml.SafeLoader):
    """What an editor's YAML 1.2 tooling sees: dates stay strings."""


Yaml12Loader.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_committed_schema_is_generated(kind):
    committed = (ROOT / "data" / "schemas" / f"{kind}.json").read_text(encoding="utf-8")
    assert committed == render(kind), f"run `make schemas`: data/schemas/{kind}.json is out of date"


def _records():
    yield "site", ROOT / "data" / "site.yml"
    yield "categories", ROOT / "data" / "categories.yml"
    yield "laws", ROOT / "data" / "laws.yml"
    for kind, folder in (("case", "cases"), ("event", "events"), ("standard", "standards"),
                         ("survey", "surveys"), ("report", "reports")):
        for path in sorted((ROOT / "data" / folder).glob("*.yml")):
            yield kind, path


@pytest.mark.parametrize("kind,path", list(_records()), ids=lambda v: v if isinstance(v, str) else v.name)
def test_sample_record_passes_schema(kind, path: Path):
    schema = json.loads((ROOT / "data" / "schemas" / f"{kind}.json").read_text(encoding="utf-8"))
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)
    jsonschema.validate(data, schema)


def test_chapters_pass_schema():
    schema = json.loads((ROOT / "data" / "schemas" / "chapter.json").read_text(encoding="utf-8"))
    for path in (ROOT / "content" / "handbook").glob("*.md"):
        front, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
        jsonschema.validate(yaml.load(front, Loader=Yaml12Loader), schema)


def test_schema_rejects_what_the_model_rejects():
    schema = json.loads((ROOT / "data" / "schemas" / "event.json").read_text(encoding="utf-8"))
    data = yaml.load((ROOT / "data" / "events" / "2025-001.yml").read_text(encoding="utf-8"), Loader=Yaml12Loader)
    data["status"] = "done"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_every_record_names_its_schema():
    for kind, path in _records():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=") and first.endswith(f"{kind}.json"), path
