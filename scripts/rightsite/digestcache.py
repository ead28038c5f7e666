"""A small persistent cache of results keyed by a digest of their inputs (under .cache/).

Used where a rebuild with nothing changed should not redo work: the personal-data scan of
record texts and of the built output. The salt (e.g. the scanner's own source) is part of
every key, so a changed scanner never reuses old answers.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any


class DigestCache:
    def __init__(self, path: Path, salt: bytes):
        self.path = path
        self.salt = salt
        self._data: dict[str, Any] | None = None
        self._dirty = False

    def key(self, *parts: bytes | str) -> str:
        h = hashlib.sha256(self.salt)
        for part in parts:
            h.update(b"\0" + (part.encode("utf-8") if isinstance(part, str) else part))
        return h.hexdigest()[:40]

    def _load(self) -> dict[str, Any]:
        if self._data is None:
            try:
                self._data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._data = {}
        return self._data

    def get(self, key: str) -> Any:
        return self._load().get(key)

    def put(self, key: str, value: Any) -> None:
        self._load()[key] = value
        self._dirty = True

    def save(self) -> None:
        if not self._dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(json.dumps(self._data, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.path)
            self._dirty = False
        except OSError:
            pass  # a read-only checkout still works, only slower
