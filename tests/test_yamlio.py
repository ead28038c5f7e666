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
    assert doc.issues[0].line == 3  # the line the unclosed bracket opens on, after the offset
    assert doc.issues[0].message.startswith("从这一行开始的括号没有闭合")


# ---- hand editors' mistakes: where the mistake is, in plain Chinese, with the fix -----------------
import pytest  # noqa: E402

from conftest import TODAY, edit, line_of, run_cli  # noqa: E402

QUOTE = ("从这一行开始的引号没有配对的结束引号，后面各行都被当成了这段文字。请在这段文字的末尾补上同样的引号"
         "（\" 或 '）。 Unclosed quote starting on this line; add the closing quote.")
COLON = ("这一行里的“: ”（英文冒号加空格）被当成了字段的冒号。如果它是文字的一部分，请给整段文字加引号，"
         "或者把它改成中文冒号“：”；如果这里是一个新字段，请检查它的缩进是否和上面的字段对齐。"
         " A ': ' inside an unquoted text: quote the text or use the full-width colon '：'; "
         "if it is a new field, align its indentation with the fields above.")
INDENT = ("这一行的缩进和同一层的其他行不一致。请用空格对齐：同一层的字段左边对齐，列表的每一项都以同样缩进的“- ”开头。"
          " Indentation does not match the lines at the same level; align it with spaces.")
NO_COLON = ("这一行缺少冒号：字段要写成“字段名: 内容”（英文冒号后加一个空格）；如果这一行是上一行文字的延续，"
            "请把它缩进到上一行文字的下面，或者用 | 写多行文字。"
            " Missing ':' after a field name; or indent a continued text under the line above.")
TAB = "这一行用了制表符（Tab）缩进。YAML 只能用空格缩进，请把 Tab 换成空格。 A tab is used for indentation; use spaces."
BRACKET = "从这一行开始的括号没有闭合：缺少“]”，或者各项之间少了英文逗号“,”。 Unclosed bracket: add ']' or the missing ','."


@pytest.mark.parametrize("text, line, message", [
    ('id: 2025-001\ntitle: 奶茶\nsummary: "会员卡余额\nlaws: [cpl-8]\nreviewed: 2026-01-01\n', 3, QUOTE),
    ("id: 2025-001\ntitle: '奶茶\nlaws: [cpl-8]\n", 2, QUOTE),
    ("id: 2025-001\ntitle: 注意: 余额不退\nlaws: [cpl-8]\n", 2, COLON),
    ("id: 2025-001\ntitle: 会员卡纠纷\n  summary: 余额不退\n", 3, COLON),
    ('results:\n  - clause: "1"\n    result: 符合\n   - clause: "2"\n', 4, INDENT),
    ("id: 2025-001\ntitle: a\nsummary\nlaws: [x]\n", 3, NO_COLON),
    ("id: 2025-001\n\ttitle: a\n", 2, TAB),
    ("laws: [cpl-8, cpl-10\nreviewed: 2026-01-01\n", 1, BRACKET),
], ids=["double-quote", "single-quote", "colon", "indented-field", "list-indent", "no-colon", "tab", "bracket"])
def test_syntax_errors_point_at_the_mistake_in_plain_chinese(text, line, message):
    [issue] = parse_yaml(text).issues
    assert (issue.rule, issue.line, issue.message) == ("schema.yaml", line, message)
    assert "mapping values" not in issue.message and "scanning" not in issue.message


def test_a_hash_that_cut_a_text_is_reported():
    doc = parse_yaml("title: 奶茶店 #2 会员卡余额不退纠纷\narticle: 第二十一条  # 备注\nnote: a#b\n")
    assert doc.data == {"title": "奶茶店", "article": "第二十一条", "note": "a#b"}
    [issue] = doc.issues  # a comment with a space after # and a # inside a word are fine
    assert (issue.rule, issue.line, issue.field) == ("schema.comment_cut", 1, "title")
    assert issue.message == (
        "“奶茶店”后面的“#2 会员卡余额不退纠纷”被 YAML 当作注释丢掉了，发布出去只剩“奶茶店”。如果 # 是文字的一部分，"
        "请给整段文字加引号，写成 \"奶茶店 #2 会员卡余额不退纠纷\"；如果确实是注释，请在 # 后面加一个空格。"
        " ` #2 会员卡余额不退纠纷` was read as a comment and cut from the text; quote the whole value, "
        "or put a space after # for a comment.")


def test_check_names_the_file_and_line_of_a_cut_title_and_an_unclosed_quote(capsys, qinghe):
    case = qinghe / "data/cases/2025-001.yml"
    edit(case, "title: 生鲜称重未去皮多收货款纠纷", "title: 生鲜 #2 称重未去皮多收货款纠纷")
    other = qinghe / "data/cases/2025-002.yml"
    text = other.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, ln in enumerate(text) if ln.startswith("title: "))
    text[n] = text[n].replace("title: ", 'title: "', 1)
    other.write_text("".join(text), encoding="utf-8")
    code, out, err = run_cli(capsys, "--root", str(qinghe), "check", "--today", TODAY)
    assert code == 1
    lines = (out + err).splitlines()
    assert f"data/cases/2025-001.yml:{line_of(case, 'title:')}: 错误 error [schema.comment_cut] title: “生鲜”后面的" \
        in "\n".join(lines)
    assert f"data/cases/2025-002.yml:{n + 1}: 错误 error [schema.yaml] {QUOTE}" in lines
