"""A strict YAML reader that keeps every scalar as text and remembers line numbers.

PyYAML's usual loaders turn `no` into False, `12:30` into 750 and `010203` into 66691
before a model ever sees them. Here the document is composed into nodes, duplicate keys
are reported, and every scalar stays a string (empty/`~`/`null` become None); the typed
models decide what each field means. Every value's 1-based line is kept in `lines`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

NULLS = {"", "~", "null", "Null", "NULL"}
MAX_DEPTH = 32  # no record nests deeper than a handful of levels; a deeper document is refused
# control characters (a tab and line breaks aside) and the XML non-characters: typed as YAML
# escapes ("\x01") they would reach feed.xml and the calendars, which no reader could parse then
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# libyaml's parser (same nodes, same marks) is ~13x faster than the pure-Python one
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Path = tuple  # ("clauses", 2, "level")


@dataclass
class YamlIssue:
    line: int
    field: str
    message: str
    rule: str = "schema.yaml"


@dataclass
class YamlDoc:
    """Plain data (dict/list/str/None) plus the line of every value and key."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    issues: list[YamlIssue] = field(default_factory=list)
    first_line: int = 1
    source: list[str] | None = field(default=None, repr=False)  # the text's lines, while parsing

    def line_of(self, path: Path) -> int:
        """Line of the value at `path`, else of its nearest known parent."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.first_line


def dotted(path: Path) -> str:
    """("clauses", 2, "level") -> "clauses[2].level" for messages."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_CUT = re.compile(r"[ \t]+#(\S.*)$")


def _comment_cut(node: yaml.ScalarNode, path: Path, doc: YamlDoc, offset: int) -> None:
    """A plain value followed by ` #text` on its line: YAML dropped `#text` as a comment, which
    silently shortens a title like `奶茶店 #2 会员卡余额不退纠纷` to `奶茶店`. A comment meant as one
    has a space after `#` (`# 备注`), and is left alone."""
    assert doc.source is not None
    end = node.end_mark
    if end.line >= len(doc.source):
        return
    m = _CUT.match(doc.source[end.line][end.column:])
    if not m:
        return
    cut, value = m.group(1).rstrip(), node.value
    whole = f"{value} #{cut}"
    doc.issues.append(YamlIssue(
        end.line + 1 + offset, dotted(path),
        f"“{value}”后面的“#{cut}”被 YAML 当作注释丢掉了，发布出去只剩“{value}”。如果 # 是文字的一部分，"
        f"请给整段文字加引号，写成 \"{whole}\"；如果确实是注释，请在 # 后面加一个空格。"
        f" ` #{cut}` was read as a comment and cut from the text; quote the whole value, or put a space after # for a comment.",
        rule="schema.comment_cut"))
def control_message(value: str) -> str:
    ch = CONTROL.search(value)
    code = f"U+{ord(ch.group(0)):04X}" if ch else ""
    return (f"含有控制字符 {code}（看不见，会让网站的订阅源和日历无法读取）。请删去它：重新输入这段文字，"
            f"不要从其他软件粘贴格式字符。 Contains the control character {code}; retype the text without it.")


def _convert(node: yaml.Node, path: Path, doc: YamlDoc, offset: int, seen: set | None = None) -> Any:
    seen = set() if seen is None else seen
    if len(path) > MAX_DEPTH:
        if not any(i.rule == "schema.depth" for i in doc.issues):
            doc.issues.append(YamlIssue(node.start_mark.line + 1 + offset, dotted(path[:MAX_DEPTH]),
                                        f"嵌套超过 {MAX_DEPTH} 层：记录文件不会这样写。请检查缩进和括号。"
                                        f" Nested more than {MAX_DEPTH} levels deep; check the indentation and brackets.",
                                        rule="schema.depth"))
        return None
    if id(node) in seen:
        # an alias (*name) points at a node met before: refuse it, which also stops
        # self-referencing and exponentially expanding ("billion laughs") documents
        doc.issues.append(YamlIssue(node.start_mark.line + 1 + offset, dotted(path),
                                    "不支持 YAML 锚点和别名（& 与 *）：请把内容直接写出来。"
                                    " Anchors and aliases are not supported; write the value out."))
        return None
    seen.add(id(node))
    doc.lines[path] = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.ScalarNode):
        if not node.style and node.value in NULLS:  # plain style: None (PyYAML) or "" (libyaml)
            return None
        if CONTROL.search(node.value):
            doc.issues.append(YamlIssue(node.start_mark.line + 1 + offset, dotted(path), control_message(node.value),
                                        rule="schema.control_char"))
            return CONTROL.sub("", node.value)
        if not node.style and doc.source is not None:
            _comment_cut(node, path, doc, offset)
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, path + (i,), doc, offset, seen) for i, child in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                doc.issues.append(YamlIssue(key_node.start_mark.line + 1 + offset, dotted(path),
                                            "键必须是简单文字。Keys must be plain words."))
                continue
            key = key_node.value
            if key == "<<":
                doc.issues.append(YamlIssue(key_node.start_mark.line + 1 + offset, dotted(path),
                                            "不支持 YAML 合并键 `<<`，请把字段直接写出。Merge keys are not supported; write the fields out."))
                continue
            if key in out:
                first = doc.lines.get(path + (key,), 0)
                doc.issues.append(YamlIssue(
                    key_node.start_mark.line + 1 + offset, dotted(path + (key,)),
                    f"字段 `{key}` 重复出现（第一次在第 {first} 行）。请删除其中一个。"
                    f" Duplicate key `{key}` (first on line {first}); keep only one.",
                    rule="schema.duplicate_key"))
                continue
            out[key] = _convert(value_node, path + (key,), doc, offset, seen)
            # a block mapping or list starts on the next line: point at its key instead
            doc.lines[path + (key,)] = key_node.start_mark.line + 1 + offset
        return out
    return None


def _syntax(exc: yaml.MarkedYAMLError) -> tuple[yaml.Mark | None, str]:
    """Where the mistake is, and what it is in plain Chinese with the fix (then English)."""
    problem, context = exc.problem or "", exc.context or ""
    at, before = exc.problem_mark, exc.context_mark
    if "end of stream" in problem and "quoted scalar" in context:
        return before, ("从这一行开始的引号没有配对的结束引号，后面各行都被当成了这段文字。请在这段文字的末尾补上同样的引号"
                        "（\" 或 '）。 Unclosed quote starting on this line; add the closing quote.")
    if "mapping values are not allowed" in problem:
        return at, ("这一行里的“: ”（英文冒号加空格）被当成了字段的冒号。如果它是文字的一部分，请给整段文字加引号，"
                    "或者把它改成中文冒号“：”；如果这里是一个新字段，请检查它的缩进是否和上面的字段对齐。"
                    " A ': ' inside an unquoted text: quote the text or use the full-width colon '：'; "
                    "if it is a new field, align its indentation with the fields above.")
    if "could not find expected ':'" in problem:
        return before or at, ("这一行缺少冒号：字段要写成“字段名: 内容”（英文冒号后加一个空格）；如果这一行是上一行文字的延续，"
                              "请把它缩进到上一行文字的下面，或者用 | 写多行文字。"
                              " Missing ':' after a field name; or indent a continued text under the line above.")
    if "tab character" in problem or "'\\t'" in problem:
        return at, ("这一行用了制表符（Tab）缩进。YAML 只能用空格缩进，请把 Tab 换成空格。"
                    " A tab is used for indentation; use spaces.")
    if "did not find expected '-' indicator" in problem or "did not find expected key" in problem \
            or "expected <block end>" in problem:
        return at, ("这一行的缩进和同一层的其他行不一致。请用空格对齐：同一层的字段左边对齐，列表的每一项都以同样缩进的“- ”开头。"
                    " Indentation does not match the lines at the same level; align it with spaces.")
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        bracket = "]" if "]" in problem else "}"
        return before or at, (f"从这一行开始的括号没有闭合：缺少“{bracket}”，或者各项之间少了英文逗号“,”。"
                              f" Unclosed bracket: add '{bracket}' or the missing ','.")
    if "cannot start any token" in problem:
        return at, ("这一行的内容以 YAML 的特殊符号开头（如 @、`、%）。请给整段文字加引号。"
                    " The value starts with a reserved character; quote it.")
    if "unknown escape character" in problem:
        return at, ("双引号里的反斜杠“\\”组合无效。请改用单引号，或把反斜杠写成两个。"
                    " Invalid backslash escape inside double quotes; use single quotes or double the backslash.")
    return at or before, (f"YAML 格式错误（{problem or context or '无法读取'}）。请检查这一行的缩进、冒号和引号；"
                          "文字里有冒号、# 或引号时，给整段文字加引号。"
                          f" YAML syntax error: {problem or context}; check indentation, colons and quotes.")


def parse_yaml(text: str, line_offset: int = 0) -> YamlDoc:
    """Parse one YAML document strictly. Syntax errors become issues, never exceptions."""
    doc = YamlDoc(data=None, first_line=1 + line_offset)
    deep = _flow_depth(text)
    if deep is not None:
        doc.issues.append(YamlIssue(deep + line_offset, "", f"嵌套超过 {MAX_DEPTH} 层：记录文件不会这样写。请检查缩进和括号。"
                                                            f" Nested more than {MAX_DEPTH} levels deep; check the indentation and brackets.",
                                    rule="schema.depth"))
        return doc
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark, message = _syntax(exc)
        doc.issues.append(YamlIssue((mark.line + 1 if mark else 1) + line_offset, "", message, rule="schema.yaml"))
        return doc
    except yaml.reader.ReaderError as exc:  # a raw control character, or bytes that are no text
        at = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1  # libyaml counts bytes
        line = text[: at if at >= 0 else 0].count("\n") + 1 + line_offset
        doc.issues.append(YamlIssue(line, "", control_message(chr(exc.character)) if isinstance(exc.character, int)
                                    else "文件中有无法读取的字符。请删去它。 The file holds a character YAML cannot read.",
                                    rule="schema.control_char"))
        return doc
    except yaml.YAMLError as exc:  # e.g. more than one document
        doc.issues.append(YamlIssue(1 + line_offset, "", f"YAML 无法读取：{exc}", rule="schema.yaml"))
        return doc
    except RecursionError:
        doc.issues.append(YamlIssue(1 + line_offset, "", f"嵌套超过 {MAX_DEPTH} 层：记录文件不会这样写。请检查缩进和括号。"
                                                          f" Nested more than {MAX_DEPTH} levels deep; check the indentation and brackets.",
                                    rule="schema.depth"))
        return doc
    if node is None:
        doc.data = {}
        return doc
    doc.source = text.split("\n")
    doc.data = _convert(node, (), doc, line_offset)
    doc.source = None
    return doc


def _flow_depth(text: str) -> int | None:
    """The 1-based line where flow brackets ([ {) first nest deeper than MAX_DEPTH, else None:
    checked before parsing, since the parser itself recurses once per level."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote or ch == "\n" else quote
        elif ch in "\"'" and (i == 0 or text[i - 1] in " [{,:\n"):
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return text[:i].count("\n") + 1
        elif ch in "]}":
            depth = max(depth - 1, 0)
        elif ch == "\n" and depth == 0:
            continue
    return None
