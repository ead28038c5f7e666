"""The form-based editor's config is generated from the models, and `rightsite fmt` brings records
into exactly the form Decap CMS writes (its own yaml library, run by cms/fmt.js), without changing
what the strict loader reads. The editor itself, in Chromium, is tested in test_cms_browser.py."""
from __future__ import annotations

import shutil

import pytest
import yaml

from conftest import ROOT, check_json, edit, run_cli
from rightsite import cms
from rightsite.fmt import formatter


def _collection(config: dict, name: str) -> dict:
    return next(c for c in config["collections"] if c["name"] == name)


def _field(fields: list[dict], name: str) -> dict:
    return next(f for f in fields if f["name"] == name)


def test_committed_cms_config_is_generated():
    committed = (ROOT / "cms" / "config.yml").read_text(encoding="utf-8")
    assert committed == cms.render(ROOT), "run `make schemas`: cms/config.yml is out of date"


def test_config_follows_models_and_the_projects_categories(qinghe):
    config = yaml.safe_load(cms.render(qinghe))
    assert config["locale"] == "zh_Hans"
    assert config["local_backend"] == {"url": "http://127.0.0.1:8081/api/v1"}
    cases = _collection(config, "cases")
    assert (cases["folder"], cases["format"], cases["slug"]) == ("data/cases", "yml", "{{fields.id}}")
    fields = cases["fields"]
    assert [f["name"] for f in fields][:3] == ["id", "title", "received"]
    ident = _field(fields, "id")
    assert (ident["label"], ident["hint"], ident["required"]) == ("编号", "YYYY-NNN，与文件名相同", True)
    assert ident["pattern"][0] == r"^\d{4}-\d{3}$"
    assert _field(fields, "received")["format"] == "YYYY-MM-DD"
    assert _field(fields, "analysis")["required"] is False
    assert _field(fields, "summary")["widget"] == "text"
    # the select lists are this project's natures (qinghe's own, not the sample's)
    nature = _field(fields, "nature")
    assert nature["widget"] == "select" and nature["options"][:3] == ["商品质量", "服务质量", "价格收费"]
    laws = _field(fields, "laws")
    assert (laws["widget"], laws["collection"], laws["file"], laws["value_field"], laws["multiple"], laws["min"]) \
        == ("relation", "laws", "laws", "laws.*.id", True, 1)
    assert _field(fields, "related")["collection"] == "cases"
    amount = _field(fields, "amount_recovered")
    assert (amount["widget"], amount["value_type"], amount["min"]) == ("number", "float", 0.0)
    pii = _field(fields, "pii_allow")
    assert pii["widget"] == "list" and [f["label"] for f in pii["fields"]] == ["被误判的文字", "理由"]
    event = _collection(config, "events")["fields"]
    assert {"label": "已举办（held）", "value": "held"} in _field(event, "status")["options"]
    recap = _field(event, "recap")
    assert recap["widget"] == "object" and recap["required"] is False
    assert _field(recap["fields"], "materials")["default"] == 0
    standards = _field(_collection(config, "standards")["fields"], "sectors")
    assert standards["multiple"] is True and standards["options"][0] == "全部"
    handbook = _collection(config, "handbook")
    assert handbook["format"] == "yaml-frontmatter" and handbook["fields"][-1]["name"] == "body"
    laws_file = _collection(config, "laws")["files"][0]
    assert laws_file["file"] == "data/laws.yml"
    assert [f["name"] for f in laws_file["fields"][0]["fields"]][:3] == ["id", "law", "short"]
    channels = _collection(config, "site")["files"][0]
    assert channels["file"] == "data/site.yml"
    kind = _field(channels["fields"][0]["fields"], "kind")
    assert {"label": "电话（hotline）", "value": "hotline"} in kind["options"]


def test_a_forge_backend_for_publishing_comes_from_cms_backend_yml(qinghe):
    (qinghe / "cms").mkdir()
    (qinghe / "cms" / "backend.yml").write_text(
        "backend:\n  name: forgejo\n  repo: rights/rightsite\n  api_root: https://git.example.org/api/v1\n"
        "publish_mode: editorial_workflow\n", encoding="utf-8")
    config = yaml.safe_load(cms.render(qinghe))
    assert config["backend"]["name"] == "forgejo" and config["publish_mode"] == "editorial_workflow"
    assert config["local_backend"] == {"url": "http://127.0.0.1:8081/api/v1"}  # `make edit` still saves locally


def test_admin_is_written_only_for_the_preview(tmp_path, qinghe):
    assert cms.write_admin(qinghe, tmp_path / "site")
    admin = tmp_path / "site" / "admin"
    assert '<link href="config.yml" type="text/yaml" rel="cms-config-url">' in (admin / "index.html").read_text()
    assert (admin / "decap-cms.js").stat().st_size > 1_000_000  # our own copy, no CDN
    assert "http" not in (admin / "index.html").read_text().replace("cms-config-url", "")
    assert yaml.safe_load((admin / "config.yml").read_text())["collections"]


@pytest.mark.slow
def test_the_public_build_has_no_admin(built_fixture):
    built = built_fixture("qinghe")
    assert built.code == 0, built.err
    assert (built.site / "cases" / "index.html").is_file() and not (built.site / "admin").exists()


@pytest.fixture
def editor_project(qinghe):
    """qinghe with the editor installed (cms/package.json): `check` then looks at the layout."""
    if formatter(ROOT) is None:
        pytest.fail("Decap's libraries are missing: `make setup` runs npm ci --prefix cms")
    (qinghe / "cms").mkdir()
    shutil.copy(ROOT / "cms" / "package.json", qinghe / "cms" / "package.json")
    return qinghe


def test_fmt_brings_records_into_the_editors_form(capsys, editor_project):
    root = editor_project
    case = root / "data" / "cases" / "2025-001.yml"
    assert "laws: [cpl-8, cpl-10]" in case.read_text(encoding="utf-8")
    code, report = check_json(capsys, root)
    layout = [p for p in report["problems"] if p["rule"] == "fmt.layout"]
    assert {"file": "data/cases/2025-001.yml", "level": "warning"}.items() <= \
        next(p for p in layout if p["file"] == "data/cases/2025-001.yml").items()

    code, out, err = run_cli(capsys, "--root", str(root), "fmt", "--check")
    assert code == 1 and "data/cases/2025-001.yml: 不是编辑器的格式" in out
    assert case.read_text(encoding="utf-8").startswith("# yaml-language-server")  # --check writes nothing

    code, out, err = run_cli(capsys, "--root", str(root), "fmt")
    # site.yml has comments the editor would drop: left alone, with the lines named
    site_yml = (root / "data/site.yml").read_text(encoding="utf-8").splitlines()
    commented = "、".join(str(i) for i, ln in enumerate(site_yml, 1)  # the schema line is the one fmt may drop
                          if (ln.lstrip().startswith("#") or " #" in ln) and not ln.startswith("# yaml-language-server"))
    assert code == 1 and f"data/site.yml: 未改动 left as is: 第 {commented} 行有注释" in err
    text = case.read_text(encoding="utf-8")
    assert text.startswith("id: 2025-001\ntitle: ") and "laws:\n  - cpl-8\n  - cpl-10\n" in text
    assert "summary: >\n  2025年2月" in text  # Decap's yaml folds long lines: `>` blocks

    code, out, err = run_cli(capsys, "--root", str(root), "fmt", "--drop-comments")
    assert code == 0 and "data/site.yml: 已改为编辑器的格式 rewritten" in out
    code, report = check_json(capsys, root, "--strict")
    assert code == 0, report["problems"]
    code, out, err = run_cli(capsys, "--root", str(root), "fmt", "--check")
    assert (code, out, err) == (0, "", "")


def test_fmt_leaves_a_value_whose_meaning_would_change(capsys, editor_project):
    standard = editor_project / "data" / "standards" / "std-01.yml"
    edit(standard, 'version: "1.0"', "version: 1.0")  # Decap reads a number and writes `1`
    code, out, err = run_cli(capsys, "--root", str(editor_project), "fmt", "--drop-comments")
    assert code == 1
    assert "data/standards/std-01.yml: 未改动 left as is: 改成编辑器的格式后内容会变" in err
    assert "version: 1.0\n" in standard.read_text(encoding="utf-8")
