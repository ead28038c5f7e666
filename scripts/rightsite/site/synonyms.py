"""Search synonyms from theme/search/synonyms.txt (editors' words, not code): a page that says one
word of a group is also found by the others (七天无理由 = 七日无理由, 储值卡 = 预付卡). No MkDocs imports."""
from __future__ import annotations

import json
from pathlib import Path

ZWSP = "\u200b"  # how Material's search index separates the words jieba found


def load_groups(path: Path) -> list[list[str]]:
    """One group per line, words separated by spaces; `#` starts a comment."""
    if not path.is_file():
        return []
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) > 1:
            groups.append(list(dict.fromkeys(words)))
    return groups


def add_synonyms(index_path: Path, groups: list[list[str]], userdict: Path | None = None) -> int:
    """Give each section of the search index the words of a group it lacks, in a hidden span so
    the result preview does not show them; returns how many sections gained words."""
    if not groups or not index_path.exists():
        return 0
    import jieba

    if userdict is not None and userdict.is_file():
        jieba.load_userdict(str(userdict))
    data = json.loads(index_path.read_text(encoding="utf-8"))
    changed = 0
    for doc in data.get("docs", []):
        plain = (doc.get("title", "") + " " + doc.get("text", "")).replace(ZWSP, "")
        missing = [w for g in groups if any(w in plain for w in g) for w in g if w not in plain]
        if missing:
            words = " ".join(ZWSP.join(jieba.cut(w)) for w in dict.fromkeys(missing))
            doc["text"] = doc.get("text", "") + f' <span hidden>{words}</span>'
            changed += 1
    index_path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return changed
