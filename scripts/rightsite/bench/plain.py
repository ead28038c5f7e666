"""A plain `mkdocs build` of the same Markdown pages with the same theme, no rightsite plugin.

The generated pages are written out as files first, so MkDocs does the same rendering
work; the ratio website / plain is the cost our layer adds.
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml


def plain_project(root: Path, dest: Path, today: dt.date) -> Path:
    from ..load import load_project
    from ..site.pages import SiteContent

    if dest.exists():
        shutil.rmtree(dest)
    docs = dest / "docs"
    shutil.copytree(root / "content", docs)
    project = load_project(root)
    content = SiteContent(project, today, root / "theme")
    intros: dict[str, str] = {}
    for page in content.pages(intros):
        path = docs / page.src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page.markdown, encoding="utf-8")
    config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.UnsafeLoader)
    config["docs_dir"] = "docs"
    chapters = [{c.record.title: f"handbook/{Path(c.file).name}"} for c in project.sorted_chapters()]
    config["nav"] = [{"首页": "index.md"}, {"维权手册": ["handbook/index.md", *chapters]},
                     {"典型案例": "cases/index.md"}, {"宣传活动": "events/index.md"},
                     {"服务标准": "standards/index.md"}, {"法律依据": "laws.md"}, {"投诉渠道": "channels.md"}]
    config["plugins"] = [p for p in config["plugins"] if p != "rightsite"]
    config["theme"]["custom_dir"] = str(root / "theme" / "material")
    for p in config["plugins"]:
        if isinstance(p, dict) and "search" in p:
            p["search"]["jieba_dict_user"] = str(root / "theme" / "search" / "userdict.txt")
    config["strict"] = False
    config["validation"] = {"links": {"not_found": "info", "anchors": "info", "unrecognized_links": "info"}}
    (dest / "mkdocs.yml").write_text(yaml.dump(config, allow_unicode=True), encoding="utf-8")
    return dest


def time_plain(dest: Path) -> float:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    t0 = time.perf_counter()
    res = subprocess.run([str(mkdocs), "build", "-q", "-d", str(dest / "site")], cwd=dest,
                         capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    elapsed = time.perf_counter() - t0
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-2000:])
    return elapsed
