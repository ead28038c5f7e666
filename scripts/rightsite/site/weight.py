"""Make the built site lighter for phones. No MkDocs imports.

- Material writes its search index with `ensure_ascii=True`: every Chinese character
  becomes a 6-byte `\\uXXXX` escape. The same JSON with UTF-8 text is about half the size.
- Every text file gets a gzip twin (`index.html.gz`), byte-stable (mtime 0), for servers
  that serve precompressed files (nginx `gzip_static on;`, Caddy `precompressed gzip`).
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

TEXT_SUFFIXES = {".html", ".css", ".js", ".json", ".xml", ".svg", ".ics", ".txt", ".map"}


def compact_search_index(path: Path) -> tuple[int, int]:
    """Rewrite the search index as UTF-8 JSON; returns (bytes before, bytes after)."""
    if not path.exists():
        return 0, 0
    raw = path.read_bytes()
    data = json.loads(raw)
    out = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.write_bytes(out)
    return len(raw), len(out)


def precompress(site_dir: Path, min_size: int = 1024) -> int:
    """Write `<file>.gz` beside every text file larger than `min_size`; returns the count."""
    count = 0
    for path in site_dir.rglob("*"):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file() or path.stat().st_size < min_size:
            continue
        data = path.read_bytes()
        gz = gzip.compress(data, compresslevel=6, mtime=0)
        if len(gz) < len(data):
            path.with_name(path.name + ".gz").write_bytes(gz)
            count += 1
    return count
