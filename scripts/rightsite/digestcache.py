"""A small persistent cache of results keyed by a digest of their inputs (under .cache/).

Used where a rebuild with nothing changed should not redo work: the personal-data scan of
record texts and of the built output. The salt (e.g. the scanner's own source) is part of
every key, so a changed scanner never reuses old answers. The file stores the sha256 of its
contents and is verified when read: a damaged file is discarded, never trusted.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger("rightsite.cache")


def _digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


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
            self._data = self._read()
        return self._data

    def _read(self) -> dict[str, Any]:
        """The stored results if the file is intact: its `sha256` is the digest of its `data`.

        A damaged file (truncated, edited by hand, not JSON) is ignored: every answer is
        computed again and the file rewritten, so a bad entry can never vouch for anything."""
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError):
            raw = ""
        try:
            stored = json.loads(raw)
            if isinstance(stored, dict) and "sha256" not in stored and "data" not in stored:
                self._dirty = True  # written before digests were recorded: start afresh, quietly
                return {}
            data = stored["data"]
            if not isinstance(data, dict) or _digest(data) != stored["sha256"]:
                raise ValueError("digest mismatch")
            return data
        except (ValueError, KeyError, TypeError):
            log.info("缓存文件 %s 已损坏，重新计算。 Cache file damaged; computing again.", self.path.name)
            self._dirty = True  # rewrite it whole
            return {}

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
            data = self._data or {}
            tmp.write_text(json.dumps({"sha256": _digest(data), "data": data}, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.path)
            self._dirty = False
        except OSError:
            pass  # a read-only checkout still works, only slower
