"""The Problem type: one finding of the guard, with where it is and how to fix it."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Problem:
    """A single error or warning, always pointing at a file, a 1-based line and a field."""

    level: str  # "error" | "warning"
    rule: str  # dotted name, e.g. "schema.date"
    file: str  # relative to the repository root
    line: int
    field: str
    message: str
    owner: str = ""

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.field, self.rule)

    def text(self) -> str:
        """One line for the terminal: `file:line: 错误 [rule] field: message`."""
        label = "错误 error" if self.level == "error" else "警告 warning"
        where = f"{self.file}:{self.line}"
        fld = f" {self.field}:" if self.field else ""
        return f"{where}: {label} [{self.rule}]{fld} {self.message}"


@dataclass
class Problems:
    """An ordered collection of problems; every check appends, nothing raises."""

    items: list[Problem] = field(default_factory=list)

    def add(self, level: str, rule: str, file: str, line: int, field: str, message: str, owner: str = "") -> None:
        self.items.append(Problem(level, rule, file, max(int(line or 1), 1), field, message, owner))

    def error(self, rule: str, file: str, line: int, field: str, message: str, owner: str = "") -> None:
        self.add("error", rule, file, line, field, message, owner)

    def warning(self, rule: str, file: str, line: int, field: str, message: str, owner: str = "") -> None:
        self.add("warning", rule, file, line, field, message, owner)

    def extend(self, other: "Problems | list[Problem]") -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    def counts(self) -> dict[str, int]:
        return {
            "error": sum(p.level == "error" for p in self.items),
            "warning": sum(p.level == "warning" for p in self.items),
        }

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=Problem.sort_key)

    def failed(self, strict: bool = False) -> bool:
        c = self.counts()
        return c["error"] > 0 or (strict and c["warning"] > 0)

    def to_json(self) -> str:
        data = {"problems": [asdict(p) for p in self.sorted()], "counts": self.counts()}
        return json.dumps(data, ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        lines = [p.text() for p in self.sorted()]
        c = self.counts()
        lines.append(f"{c['error']} 个错误 errors, {c['warning']} 个警告 warnings")
        return "\n".join(lines)
