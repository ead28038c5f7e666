"""The strict YAML reader: text stays text, duplicates and syntax errors carry lines."""
from rightsite.yamlio import parse_yaml


def test_scalars_stay_text():
    doc = parse_yaml("a: no\nb: 12:30\nc: 010203\nd: 1.10\ne: 2025-03-01\nf: ~\ng:\nh: ''\n")
    assert doc.data == {"a": "no", "b": "12:30", "c": "010203", "d": "1.10", "e": "2025-03-01",
                        "f": None, "g": None, "h": ""}
    assert not doc.issues


def test_duplicate_key_names_both_lines():
    doc = parse_yaml("title: A\nbody: x\ntitle: B\n")
    assert [(i.rule, i.line) for i in doc.issues] == [("schema.duplicate_key", 3)]
    assert "第一次在第 1 行" in doc.issues[0].message
    assert doc.data["title"] == "A"


def test_nested_lines():
    doc = parse_yaml("clauses:\n  - number: '1'\n    level: 必须\n  - number: '2'\n    level: 建议\n")
    assert doc.line_of(("clauses", 1, "level")) == 5
    assert doc.line_of(("clauses", 1, "missing")) == 4


def test_syntax_error_line_and_offset():
    doc = parse_yaml("a: 1\nb: [1, 2\nc: 3\n", line_offset=1)
    assert doc.issues and doc.issues[0].rule == "schema.yaml"
    assert doc.issues[0].line in (3, 4)
    assert "YAML" in doc.issues[0].message
