"""Read every record of a project into typed models, collecting problems instead of raising.

Reading is separate from writing: `load_project` touches no output, and everything
downstream (guard, website, PDFs, report) works from the `Project` it returns.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from .model import Case, Categories, Chapter, Event, Inspection, Law, Report, Site, Standard, Survey
from .model.common import Record, clip, validate_doc
from .model.complaints import ComplaintTable, complaints_path, read_complaints
from .problems import Problems
from .yamlio import CONTROL, YamlDoc, control_message, dotted, parse_yaml

T = TypeVar("T", bound=Record)
TI = TypeVar("TI", bound=Case | Event | Standard | Inspection)  # the models read one per file from a folder, each with an `id`
FRONT_MATTER_END = re.compile(r"^(---|\.\.\.)\s*$")


@dataclass
class Loaded(Generic[T]):
    """A record with where it came from, so later checks can point at lines."""

    record: T
    file: str  # relative to the project root
    doc: YamlDoc
    base: tuple = ()  # path of the record inside the document (laws: ("laws", i))
    body: str = ""  # Markdown body (chapters only)
    body_line: int = 1  # line of the body's first line in the file

    def line(self, *path) -> int:
        return self.doc.line_of(self.base + tuple(path))

    @property
    def id(self) -> str:
        return getattr(self.record, "id", "") or Path(self.file).stem


@dataclass
class Project:
    """Everything the build knows, read once."""

    root: Path
    problems: Problems = field(default_factory=Problems)
    site: Loaded[Site] | None = None
    categories: Loaded[Categories] | None = None
    laws: dict[str, Loaded[Law]] = field(default_factory=dict)
    cases: dict[str, Loaded[Case]] = field(default_factory=dict)
    events: dict[str, Loaded[Event]] = field(default_factory=dict)
    standards: dict[str, Loaded[Standard]] = field(default_factory=dict)
    inspections: dict[str, Loaded[Inspection]] = field(default_factory=dict)  # internal: only aggregates are published
    chapters: dict[str, Loaded[Chapter]] = field(default_factory=dict)
    # the annual reports' inputs, by year: report files, surveys and complaint exports (None
    # when the export has errors); their problems are kept apart, in `yearly_problems`, since
    # they stop only the report of their year
    reports: dict[int, Loaded[Report]] = field(default_factory=dict)
    surveys: dict[int, Loaded[Survey]] = field(default_factory=dict)
    complaints: dict[int, ComplaintTable | None] = field(default_factory=dict)
    yearly_problems: Problems = field(default_factory=Problems)
    # files that exist but did not validate: folder -> {file stem: (relative path, parsed YAML or None)}.
    # References to them are not "missing", and their own references are still checked.
    invalid: dict[str, dict[str, tuple[str, YamlDoc | None]]] = field(default_factory=dict)
    # results derived from this snapshot of the records (e.g. a year's report figures), computed
    # once and shared by the check, the website and the PDFs of one build
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    cache: LoadCache = field(default_factory=lambda: LoadCache(), repr=False, compare=False)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def sorted_chapters(self) -> list[Loaded[Chapter]]:
        return sorted(self.chapters.values(), key=lambda c: (c.record.order, c.file))


def _read_text(project: Project, path: Path) -> str | None:
    rel = project.rel(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        project.problems.error("schema.file", rel, 1, "", f"无法读取文件：{exc.strerror}。")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        project.problems.error("schema.encoding", rel, line, "",
                               "文件不是 UTF-8 编码。请在编辑器中以 UTF-8 另存。 Save the file as UTF-8.")
        return None


def _report_yaml(project: Project, rel: str, doc: YamlDoc) -> None:
    for issue in doc.issues:
        project.problems.error(issue.rule, rel, issue.line, issue.field, issue.message)


def _validate(project: Project, model: type[T], rel: str, doc: YamlDoc, base: tuple = (),
              salvage: bool = False) -> T | None:
    record, found = validate_doc(model, doc, base, salvage=salvage)
    for line, fld, rule, message in found:
        project.problems.error(rule, rel, line, fld, message)
    return record


def load_yaml_file(project: Project, path: Path) -> YamlDoc | None:
    text = _read_text(project, path)
    if text is None:
        return None
    doc = parse_yaml(text)
    _report_yaml(project, project.rel(path), doc)
    if doc.data is None:
        return None
    return doc


def _load_single(project: Project, path: Path, model: type[T]) -> Loaded[T] | None:
    rel = project.rel(path)
    if not path.exists():
        project.problems.error("schema.file", rel, 1, "", f"缺少文件 {rel}。请从仓库历史中恢复它。 Missing file.")
        return None
    result = _parse_mapping(project, path, model)
    return result if isinstance(result, Loaded) else None


def _parse_mapping(project: Project, path: Path, model: type[T]) -> Loaded[T] | YamlDoc | None:
    """Read a YAML file that must be one mapping and validate it against `model`."""
    rel = project.rel(path)
    doc = load_yaml_file(project, path)
    if doc is None:
        return None
    if not isinstance(doc.data, dict):
        project.problems.error("schema.type", rel, 1, "", "文件内容应为“字段: 值”的映射。 The file must be a mapping.")
        return None
    record = _validate(project, model, rel, doc, salvage=True)  # its problems are reported; the rest still checked
    return Loaded(record, rel, doc) if record is not None else doc


@dataclass
class LoadCache:
    """Parsed files kept between loads of one project, each reused while its size and mtime
    are unchanged: `make serve` reloads on every edit and should re-read only what changed.
    The MkDocs plugin holds one for its life; a one-off load gets a fresh one."""

    records: dict[str, tuple[tuple[int, int], object, list]] = field(default_factory=dict)  # path -> (stat, result, problems)
    tables: dict[str, tuple] = field(default_factory=dict)  # CSV path -> (stat and categories key, table, problems)


def _cached(project: Project, path: Path, load) -> Any:  # whatever `load` returns
    """Run `load(sub_project)` for one file, or replay its earlier result and problems."""
    try:
        st = path.stat()
        key = (st.st_mtime_ns, st.st_size)
    except OSError:
        key = None
    cache = project.cache.records
    hit = cache.get(str(path))
    if key is not None and hit is not None and hit[0] == key:
        project.problems.extend(list(hit[2]))
        return hit[1]
    mine = Project(root=project.root)
    result = load(mine)
    project.problems.extend(mine.problems)
    if key is not None:
        cache[str(path)] = (key, result, list(mine.problems.items))
    return result


def _load_dir(project: Project, folder: Path, model: type[TI], id_pattern: str, example: str) -> dict[str, Loaded[TI]]:
    out: dict[str, Loaded[TI]] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix.lower() in (".yml", ".yaml") and path.suffix != ".yml":  # .yaml, .YML: read by nobody
            project.problems.error("schema.file", project.rel(path), 1, "",
                                   f"请把扩展名改为 .yml（{path.stem}.yml）：否则这条记录不会被读取。 Use the .yml extension.")
            continue
        if path.suffix != ".yml":
            project.problems.warning("schema.file", project.rel(path), 1, "",
                                     f"data/{folder.name}/ 只放记录文件（编号.yml），{path.name} 不会被读取。请移走或删除它。"
                                     f" Only records (id.yml) belong here; this file is not read.")
            continue
        loaded = _cached(project, path, lambda p, path=path: _load_record(p, path, model, id_pattern, example))
        if isinstance(loaded, Loaded):
            out[loaded.record.id] = loaded
        else:
            project.invalid.setdefault(folder.name, {})[path.stem] = (project.rel(path), loaded)
    return out


def _load_record(project: Project, path: Path, model: type[TI], id_pattern: str, example: str) -> Loaded[TI] | YamlDoc | None:
    rel = project.rel(path)
    if not re.fullmatch(id_pattern, path.stem):
        project.problems.error("schema.id", rel, 1, "id",
                               f"文件名“{clip(path.stem)}”不符合编号格式（如 {example}.yml）。请按格式重命名。"
                               f" File name must be an id like {example}.yml.")
    loaded = _parse_mapping(project, path, model)
    if not isinstance(loaded, Loaded):
        return loaded  # the parsed document (or None), for reference checks of invalid records
    record, doc = loaded.record, loaded.doc
    if record.id != path.stem:
        project.problems.error("schema.id", rel, doc.line_of(("id",)), "id",
                               f"编号“{clip(record.id)}”与文件名“{clip(path.stem)}”不一致。请让两者相同。"
                               f" The id must equal the file name ({clip(path.stem)}).")
        return None
    return Loaded(record, rel, doc)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (front matter text or None, body, 1-based line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for i in range(1, len(lines)):
        if FRONT_MATTER_END.match(lines[i]):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    return "", text, 1  # opened, never closed


def _load_chapters(project: Project, folder: Path) -> dict[str, Loaded[Chapter]]:
    out: dict[str, Loaded[Chapter]] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in (".md", ".markdown") and path.suffix != ".md" and not path.name.startswith("."):
            project.problems.error("schema.file", project.rel(path), 1, "",
                                   f"请把扩展名改为 .md（{path.stem}.md）：否则这一章不会出现在手册中。 Use the .md extension.")
    for path in sorted(folder.glob("*.md")):
        if path.name == "index.md":
            continue
        rel = project.rel(path)
        text = _read_text(project, path)
        if text is None:
            continue
        front, body, body_line = split_front_matter(text)
        bad = CONTROL.search(body)
        if bad:
            project.problems.error("schema.control_char", rel, body_line + body[: bad.start()].count("\n"), "body",
                                   control_message(bad.group(0)))
        if front is None:
            project.problems.error("schema.front_matter", rel, 1, "",
                                   "章节缺少开头的 front matter（以 --- 开始和结束的 title、order、owner、reviewed 等字段）。"
                                   "请在文件第一行加上 ---。 The chapter must start with a `---` front matter block.")
            continue
        if front == "" and body_line == 1:
            project.problems.error("schema.front_matter", rel, 1, "",
                                   "front matter 没有结束：请在字段之后加一行 ---。 Close the front matter with a `---` line.")
            continue
        doc = parse_yaml(front, line_offset=1)
        _report_yaml(project, rel, doc)
        if doc.issues and any(i.rule == "schema.yaml" for i in doc.issues):
            continue
        if not isinstance(doc.data, dict):
            project.problems.error("schema.front_matter", rel, 2, "", "front matter 应为“字段: 值”的映射。")
            continue
        record = _validate(project, Chapter, rel, doc)
        if record is not None:
            out[path.stem] = Loaded(record, rel, doc, body=body, body_line=body_line)
    return out


def load_project(root: Path | str, cache: LoadCache | None = None) -> Project:
    """Read data/ and content/handbook/ of the project at `root` (reusing what `cache` holds
    of unchanged files)."""
    project = Project(root=Path(root).resolve(), cache=cache or LoadCache())
    data = project.root / "data"
    project.site = _load_single(project, data / "site.yml", Site)
    project.categories = _load_single(project, data / "categories.yml", Categories)
    laws_path = data / "laws.yml"
    laws_doc = load_yaml_file(project, laws_path) if laws_path.exists() else None
    if laws_doc is not None and not isinstance(laws_doc.data, dict):
        project.problems.error("schema.type", "data/laws.yml", 1, "",
                               "文件内容应为以 laws: 开头的映射。 data/laws.yml must be a mapping with a `laws` list.")
    if laws_doc is not None and isinstance(laws_doc.data, dict):
        rel = project.rel(laws_path)
        items = laws_doc.data.get("laws")
        if not isinstance(items, list):
            project.problems.error("schema.type", rel, laws_doc.line_of(("laws",)), "laws", "laws 应为条款列表。")
        else:
            for i in range(len(items)):
                law = _validate(project, Law, rel, laws_doc, ("laws", i))
                if law is None:
                    continue
                if law.id in project.laws:
                    first = project.laws[law.id].line("id")
                    project.problems.error("schema.duplicate_id", rel, laws_doc.line_of(("laws", i, "id")), f"laws[{i}].id",
                                           f"编号“{law.id}”重复（第一次在第 {first} 行）。每条法律条款的编号必须唯一。")
                    continue
                project.laws[law.id] = Loaded(law, rel, laws_doc, ("laws", i))
    elif not laws_path.exists():
        project.problems.error("schema.file", "data/laws.yml", 1, "", "缺少 data/laws.yml。")
    project.cases = _load_dir(project, data / "cases", Case, r"\d{4}-\d{3}", "2025-017")
    project.events = _load_dir(project, data / "events", Event, r"\d{4}-\d{3}", "2026-003")
    project.standards = _load_dir(project, data / "standards", Standard, r"std-\d{2,}", "std-07")
    project.inspections = _load_dir(project, data / "inspections", Inspection, r"\d{4}-\d{3}", "2025-031")
    project.chapters = _load_chapters(project, project.root / "content" / "handbook")
    _load_yearly(project)
    _check_tree(project)
    check_fields(project)
    return project


# ---- fields that end up in links, attributes and labels ---------------------------------------

# Labels (a law's short name and article, a category's name) are printed inside links, headings,
# table cells and <meta>: besides being escaped there, they may not carry markup at all.
LABEL_FORBIDDEN = re.compile(r"[<>\[\]{}|*_`\\#\"]|[\x00-\x1f\x7f-\x9f]")
_CHANNEL_KINDS = {"hotline": "tel", "12315": "tel", "email": "email", "online": "https"}


def url_message(value: str, kind: str, reason: str) -> str:
    """The message of a URL-valued field that failed `urls.url_problem`: value (masked, clipped),
    why, and what to write instead."""
    from .urls import EXAMPLES, URL_KINDS

    what = {"tel": "电话号码", "email": "邮箱地址"}.get(kind, f"完整网址（只用 {'/'.join(URL_KINDS[kind])}）")
    return (f"“{clip(value)}”不能作为链接：{reason}。请改成 {EXAMPLES[kind]} 这样的{what}。"
            f" Fix the value, e.g. {EXAMPLES[kind]}.")


def check_fields(project: Project) -> None:
    """Every URL-valued field parsed against its scheme allowlist, every label free of markup
    (rules `schema.url`, `schema.label`), each error at the value's line."""
    from .urls import url_problem

    def url(item: Loaded, path: tuple, value: str | None, kind: str) -> None:
        if not value:
            return
        reason = url_problem(value, kind)
        if reason:
            project.problems.error("schema.url", item.file, item.line(*path), dotted(item.base + path),
                                   url_message(value, kind, reason))

    def label(item: Loaded, path: tuple, value: str | None) -> None:
        bad = LABEL_FORBIDDEN.search(value or "")
        if bad:
            ch = bad.group(0)
            shown = f"“{ch}”" if ch.isprintable() else f"控制字符 U+{ord(ch):04X}"
            project.problems.error("schema.label", item.file, item.line(*path), dotted(item.base + path),
                                   f"“{clip(value)}”含有{shown}：名称和简称只写文字，不能有 < > [ ] {{ }} | * _ ` # \" 等符号。"
                                   "请删去该符号。 Labels are plain text: remove the markup character.")

    if project.site is not None:
        site = project.site
        rec = site.record
        url(site, ("base_url",), rec.base_url, "site")
        url(site, ("repo_url",), rec.repo_url, "web")
        if rec.edit_uri and not re.fullmatch(r"[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*/?", rec.edit_uri):
            project.problems.error("schema.url", site.file, site.line("edit_uri"), "edit_uri",
                                   "编辑链接路径只能是由字母、数字、-、_、. 组成的相对路径，如 edit/main/。"
                                   " edit_uri is a relative path such as edit/main/.")
        for i, ch in enumerate(rec.channels):
            if ch.kind in _CHANNEL_KINDS:
                url(site, ("channels", i, "value"), ch.value, _CHANNEL_KINDS[ch.kind])
            url(site, ("channels", i, "url"), ch.url, "web")
    for law in project.laws.values():
        url(law, ("url",), law.record.url, "web")
        for name in ("law", "short", "article"):
            label(law, (name,), getattr(law.record, name))
    if project.categories is not None:
        cats = project.categories
        for group in ("natures", "sectors", "channels", "outcomes"):
            for i, cat in enumerate(getattr(cats.record, group)):
                label(cats, (group, i, "name"), cat.name)
                for j, alias in enumerate(getattr(cat, "aliases", []) or []):
                    label(cats, (group, i, "aliases", j), alias)


def _yearly_files(project: Project, folder: str, suffix: str) -> list[tuple[int, Path]]:
    """(year, path) of data/<folder>/<year><suffix>; any other file there is an error."""
    base = project.root / "data" / folder
    if not base.is_dir():
        return []
    found = []
    for path in sorted(base.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix != suffix or not re.fullmatch(r"\d{4}", path.stem):
            project.yearly_problems.error("schema.file", project.rel(path), 1, "",
                                          f"data/{folder}/ 只放按年度命名的文件，如 2025{suffix}。请改名或移走它。"
                                          f" Only files named by year (2025{suffix}) belong here.")
            continue
        found.append((int(path.stem), path))
    return found


def _load_yearly(project: Project) -> None:
    """The annual reports' inputs, read once: complaint exports, surveys, report files."""
    out = project.yearly_problems
    for year, _ in _yearly_files(project, "complaints", ".csv"):
        if project.categories is not None:  # without categories the CSVs cannot be read
            project.complaints[year] = read_table(project, year, out)
    for folder, model, into in (("surveys", Survey, project.surveys), ("reports", Report, project.reports)):
        for year, path in _yearly_files(project, folder, ".yml"):
            item = read_record(project.root, path, model, out)
            if item is not None:
                into[year] = item


def report_path(root: Path, year: int) -> Path:
    return Path(root) / "data" / "reports" / f"{year}.yml"


def survey_path(root: Path, year: int) -> Path:
    return Path(root) / "data" / "surveys" / f"{year}.yml"


def read_record(root: Path, path: Path, model: type, problems: Problems) -> Loaded | None:
    """Read one yearly YAML record (survey, report) strictly; problems are appended, never raised."""
    rel = Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        problems.error("schema.file", rel, 1, "", f"无法读取文件：{exc.strerror}。 Cannot read the file.")
        return None
    except UnicodeDecodeError:
        problems.error("schema.encoding", rel, 1, "", "文件不是 UTF-8 编码。请在编辑器中以 UTF-8 另存。 Save the file as UTF-8.")
        return None
    doc = parse_yaml(text)
    for issue in doc.issues:
        problems.error(issue.rule, rel, issue.line, issue.field, issue.message)
    if doc.data is None:
        return None
    if not isinstance(doc.data, dict):
        problems.error("schema.type", rel, 1, "", "文件内容应为“字段: 值”的映射。 The file must be a mapping.")
        return None
    record, found = validate_doc(model, doc)
    for line, fld, rule, message in found:
        problems.error(rule, rel, line, fld, message)
    if record is None:
        return None
    stem = Path(path).stem
    if re.fullmatch(r"\d{4}", stem) and record.year != int(stem):
        problems.error("schema.id", rel, doc.line_of(("year",)), "year",
                       f"年度 {record.year} 与文件名 {stem} 不一致。请让两者相同。 `year` must equal the file name.")
        return None
    return Loaded(record, rel, doc)



def read_table(project: Project, year: int, problems: Problems) -> ComplaintTable | None:
    """The complaint table of `year`, or None if the file is missing or has any error."""
    path = complaints_path(project.root, year)
    table = None
    if path.exists() and project.categories is not None:
        st = path.stat()
        # `make serve` and `rightsite build` read the same unchanged export several times
        key = (str(path), st.st_mtime_ns, st.st_size, project.categories.record.model_dump_json())
        hit = project.cache.tables.get(key[0])
        if hit is not None and hit[0] == key:
            table, found = hit[1], hit[2]
        else:
            mine = Problems()
            table = read_complaints(path, project.rel(path), year, project.categories.record, mine)
            found = list(mine.items)
            project.cache.tables[key[0]] = (key, table, found)
        problems.extend(found)
        if any(p.level == "error" for p in found):
            table = None
    return table




# what content/ may hold: MkDocs publishes every file there as it is, so anything but pages and
# images (a .txt note, a .csv export, an .html page) would go out unchecked
CONTENT_TYPES = frozenset({".md", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"})
SVG_ACTIVE = re.compile(r"<\s*(script|foreignObject|iframe|embed|object|handler|!ENTITY)\b|\bon[a-z]+\s*=|javascript\s*:|"
                        r"(?:href|src)\s*=\s*[\"']?\s*(?:[a-z][a-z0-9+.-]*:|//)|@import|url\(\s*[\"']?\s*(?:[a-z][a-z0-9+.-]*:|//)", re.I)


def walk_files(base: Path) -> list[Path]:
    """Every file under `base`, symlinks included but never followed (a link to `..` cannot loop)."""
    out: list[Path] = []
    if not base.is_dir():
        return out
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames.sort()
        out += [Path(dirpath) / n for n in sorted(filenames)]
        out += [Path(dirpath) / n for n in dirnames if (Path(dirpath) / n).is_symlink()]
    return out


def _check_tree(project: Project) -> None:
    """Nothing under data/, content/ or theme/ may lead elsewhere (a symlink would publish what it
    points at: .git objects, the complaint ledger), content/ holds only pages and images, and
    every Markdown page must be UTF-8 (MkDocs would crash)."""
    root = project.root
    for top in ("data", "content", "theme"):
        base = root / top
        for path in walk_files(base):
            rel = project.rel(path)
            if path.is_symlink():
                _check_link(project, path, rel, base)
                continue
            if top != "content" or path.name.startswith("."):
                continue  # MkDocs never publishes dotfiles
            suffix = path.suffix.lower()
            if suffix not in CONTENT_TYPES:
                project.problems.error("schema.file", rel, 1, "",
                                       f"content/ 中只能放 Markdown 页面和图片（png、jpg、gif、webp、svg）：{path.name} 会原样公开，"
                                       "且不经个人信息检查。请删除它，或把内容写进 Markdown 页面。"
                                       " Only Markdown pages and images belong in content/; this file would be published unchecked.")
            elif suffix == ".svg":
                _check_svg(project, path, rel)
            elif suffix == ".md" and "handbook" not in path.relative_to(base).parts[:1]:
                _read_text(project, path)


def _check_link(project: Project, path: Path, rel: str, base: Path) -> None:
    root = project.root
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # dangling, or a loop (a -> b -> a)
        project.problems.error("schema.file", rel, 1, "",
                               "这是一个失效或循环的链接（symlink）。请删除它，把文件复制进仓库。"
                               " A dangling or looping symlink; remove it and copy the file in.")
        return
    shown = target.relative_to(root).as_posix() if root in target.parents else ""
    if target == root:
        why = "指向整个项目文件夹"
    elif not shown:
        why = "指向项目以外"
    elif target.is_dir():
        why = f"指向文件夹 {shown}/"
    elif (root / ".git") in target.parents or base not in target.parents:
        why = f"指向 {base.name}/ 以外的 {shown}"
    else:
        return  # a file inside the same folder: published (or read) like the file itself
    project.problems.error("schema.file", rel, 1, "",
                           f"这是{why}的链接（symlink），其内容会被公开。{base.name}/ 中的链接只能指向 {base.name}/ 里的文件；"
                           "请删除它，把需要的文件复制进来。"
                           f" A symlink leading outside {base.name}/ (or to a folder); copy the file in instead.")


def _check_svg(project: Project, path: Path, rel: str) -> None:
    """An SVG is a document: scripts, event handlers and outside references run or load in the browser."""
    text = _read_text(project, path)
    if text is None:
        return
    m = SVG_ACTIVE.search(text)
    if m:
        project.problems.error("schema.file", rel, text[: m.start()].count("\n") + 1, "",
                               f"SVG 图片中有“{clip(m.group(0), 20)}”：图片里不能有脚本、事件属性或对外引用。"
                               "请用绘图软件重新导出为纯图形（或改用 PNG）。"
                               " An SVG with a script, an event handler or an outside reference; export a plain drawing.")


