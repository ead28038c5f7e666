"""Thin command-line entry points; the work happens in the modules they call."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from .clock import parse_day, resolve_today


def _today_arg(value: str) -> dt.date:
    try:
        return parse_day(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{value!r}") from None


def find_root(start: Path | None = None) -> Path | None:
    """The project root: the nearest folder upwards holding mkdocs.yml and data/."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").exists() and (folder / "data").is_dir():
            return folder
    return None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rightsite", description="消费者权益保障小组发布系统 / rights publishing system")
    p.add_argument("--root", type=Path, default=None, help="project root (default: found from the current folder)")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("check", help="validate everything the guard knows")
    c.add_argument("--today", type=_today_arg)
    c.add_argument("--format", choices=["text", "json"], default="text")
    c.add_argument("--strict", action="store_true", help="warnings fail too")

    b = sub.add_parser("build", help="check, then build the site into site/")
    b.add_argument("--today", type=_today_arg)
    b.add_argument("--strict", action="store_true")
    b.add_argument("--site-dir", type=Path, default=None)

    s = sub.add_parser("stale", help="the staleness report, grouped by owner")
    s.add_argument("--today", type=_today_arg)
    s.add_argument("--format", choices=["text", "json"], default="text")

    r = sub.add_parser("report", help="the annual report's figures")
    r.add_argument("year", type=int)
    r.add_argument("--format", choices=["text", "json"], default="text")
    r.add_argument("--freeze", action="store_true")
    r.add_argument("--today", type=_today_arg)

    n = sub.add_parser("new", help="write a new record from a template")
    n.add_argument("kind", choices=["case", "event", "standard"])
    n.add_argument("--today", type=_today_arg)

    f = sub.add_parser("fmt", help="rewrite records in the form the form-based editor writes")
    f.add_argument("--check", action="store_true", help="only list the files out of form (exit 1 if any)")
    f.add_argument("--drop-comments", action="store_true", help="also rewrite files with comments (the editor drops them)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = args.root.resolve() if args.root else find_root()
    if root is None or not (root / "data").is_dir():
        print("这里不是 rightsite 项目（找不到 mkdocs.yml 和 data/）。请在项目文件夹中运行，或用 --root 指定。"
              " Not inside a rightsite project; run it in the project folder or pass --root.", file=sys.stderr)
        return 2
    try:
        today = getattr(args, "today", None) or resolve_today()
    except ValueError:
        print(f"SOURCE_DATE_EPOCH 无效：{os.environ.get('SOURCE_DATE_EPOCH')!r}，应为整数秒。"
              " SOURCE_DATE_EPOCH must be whole seconds.", file=sys.stderr)
        return 2
    if args.command == "check":
        from .check import run_check

        return run_check(root, today, args.format, args.strict)
    if args.command == "build":
        from .build import run_build

        return run_build(root, today, args.strict, args.site_dir)
    if args.command == "stale":
        from .guard.stale import run_stale

        return run_stale(root, today, args.format)
    if args.command == "report":
        from .report.cli import run_report

        return run_report(root, args.year, args.format, args.freeze, today)
    if args.command == "new":
        from .newrecord import run_new

        return run_new(root, args.kind, today)
    if args.command == "fmt":
        from .fmt import run_fmt

        return run_fmt(root, args.check, args.drop_comments)
    return 2


if __name__ == "__main__":
    sys.exit(main())
