"""A strict YAML reader that keeps every scalar as text and remembers line numbers.

PyYAML's usual loaders turn `no` into False, `12:30` into 750 and `010203` into 66691
before a model ever sees them. Here the document is composed into nodes, duplicate keys
are reported, and every scalar stays a string (empty/`~`/`null` become None); the typed
models decide what each field means. Every value's 1-based line is kept in `lines`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import re
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
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        what = exc.problem or "格式错误"
        doc.issues.append(YamlIssue(line, "", f"YAML 格式错误：{what}。请检查这一行的缩进、冒号和引号。"
                                               f" YAML syntax error: {what}; check indentation, colons and quotes.",
                                    rule="schema.yaml"))
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
    doc.data = _convert(node, (), doc, line_offset)
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
