"""Cross-record integrity: references resolve, dates are ordered, ids and titles unique."""
from __future__ import annotations

from ..load import Loaded, Project
from ..problems import Problems


def unknown_law(out: Problems, file: str, line: int, fld: str, law_id: str) -> None:
    out.error("ref.law", file, line, fld,
              f"法律条款“{law_id}”在 data/laws.yml 中不存在。请先在 data/laws.yml 中添加该条，或改正编号。"
              f" Unknown law id; add it to data/laws.yml or fix the id.")


def _law_refs(project: Project, item: Loaded, ids: list[str], path: tuple, out: Problems) -> None:
    for i, law_id in enumerate(ids):
        if law_id not in project.laws:
            unknown_law(out, item.file, item.line(*path, i), f"{'.'.join(map(str, path))}[{i}]", law_id)


def _category(project: Project, item: Loaded, fld: str, value: str, names: set[str], kind: str, out: Problems) -> None:
    if value not in names:
        choices = "、".join(sorted(names))
        out.error("ref.category", item.file, item.line(fld), fld,
                  f"“{value}”不是 data/categories.yml 中的{kind}。可选：{choices}。 Unknown {fld}.")


def _raw_law_refs(project: Project, out: Problems) -> None:
    """Records that failed validation still get their law ids checked, so one run names every problem."""
    for folder in ("cases", "standards"):
        for rel, doc in project.invalid.get(folder, {}).values():
            if doc is None or not isinstance(doc.data, dict):
                continue
            lists: list[tuple[tuple, object]] = [(("laws",), doc.data.get("laws"))]
            clauses = doc.data.get("clauses")
            if isinstance(clauses, list):
                lists += [(("clauses", i, "laws"), c.get("laws")) for i, c in enumerate(clauses) if isinstance(c, dict)]
            for path, ids in lists:
                if not isinstance(ids, list):
                    continue
                for i, law_id in enumerate(ids):
                    if isinstance(law_id, str) and law_id not in project.laws:
                        fld = ".".join(map(str, path)) + f"[{i}]"
                        unknown_law(out, rel, doc.line_of(path + (i,)), fld, law_id)


def check_refs(project: Project, today=None) -> Problems:
    """Every reference between records resolves, and dates are in order."""
    out = Problems()
    cats = project.categories.record if project.categories else None
    natures = set(cats.nature_names()) if cats else set()
    sectors = {s.name for s in cats.sectors} if cats else set()
    channels = {c.name for c in cats.channels} if cats else set()
    outcomes = {o.name for o in cats.outcomes} if cats else set()

    for law in project.laws.values():
        sup = law.record.superseded_by
        if sup and sup not in project.laws:
            out.error("ref.law", law.file, law.line("superseded_by"), "superseded_by",
                      f"取代它的条款“{sup}”在 data/laws.yml 中不存在。")

    titles: dict[str, Loaded] = {}
    for case in project.cases.values():
        c = case.record
        if cats:
            _category(project, case, "nature", c.nature, natures, "投诉性质", out)
            _category(project, case, "sector", c.sector, sectors, "行业", out)
            _category(project, case, "channel", c.channel, channels, "投诉渠道", out)
            _category(project, case, "outcome", c.outcome, outcomes, "处理结果", out)
        _law_refs(project, case, c.laws, ("laws",), out)
        for i, rid in enumerate(c.related):
            if rid == c.id:
                out.error("ref.case", case.file, case.line("related", i), f"related[{i}]", "案例不能关联自己。请删除这一项。")
            elif rid not in project.cases and rid not in project.invalid.get("cases", {}):
                out.error("ref.case", case.file, case.line("related", i), f"related[{i}]",
                          f"相关案例“{rid}”不存在（data/cases/{rid}.yml）。请改正编号或删除这一项。 Unknown case id.")
        if c.closed < c.received:
            out.error("schema.date_order", case.file, case.line("closed"), "closed",
                      f"办结日期 {c.closed} 早于受理日期 {c.received}。请改正其中一个。 `closed` must not be before `received`.")
        if c.reviewed < c.received:
            out.error("schema.date_order", case.file, case.line("reviewed"), "reviewed",
                      f"审核日期 {c.reviewed} 早于受理日期 {c.received}。请改正。")
        if c.title in titles:
            out.error("ref.duplicate_title", case.file, case.line("title"), "title",
                      f"标题与 {titles[c.title].file} 相同。请让每个案例的标题可区分。 Two cases share this title.")
        titles.setdefault(c.title, case)

    for event in project.events.values():
        e = event.record
        if e.end < e.start:
            out.error("schema.date_order", event.file, event.line("end"), "end",
                      f"结束时间 {e.end.isoformat()} 早于开始时间 {e.start.isoformat()}。请改正。 `end` must not be before `start`.")
        if today is not None and e.status == "held" and e.start.date() > today:
            out.error("schema.status", event.file, event.line("status"), "status",
                      f"活动 {e.start.date()} 才开始，不能标记为已举办（held）。请改为 planned。"
                      " An event that has not started cannot be held.")
        if e.recap is not None and e.status != "held":
            out.error("schema.recap", event.file, event.line("recap"), "recap",
                      f"只有已举办（status: held）的活动才能写回顾，当前状态是 {e.status}。请改状态或删去 recap。")

    for std in project.standards.values():
        s = std.record
        for i, sector in enumerate(s.sectors):
            if cats and sector != "全部" and sector not in sectors:  # no cascade when categories.yml is invalid
                out.error("ref.category", std.file, std.line("sectors", i), f"sectors[{i}]",
                          f"“{sector}”不是 data/categories.yml 中的行业。可写行业名称，或 [全部]。")
        seen: dict[str, int] = {}
        for i, clause in enumerate(s.clauses):
            _law_refs(project, std, clause.laws, ("clauses", i, "laws"), out)
            if clause.number in seen:
                out.error("schema.duplicate_id", std.file, std.line("clauses", i, "number"), f"clauses[{i}].number",
                          f"条款号 {clause.number} 重复（第一次在第 {seen[clause.number]} 行）。请重新编号。")
            seen.setdefault(clause.number, std.line("clauses", i, "number"))
        if s.review_by < s.effective:
            out.error("schema.date_order", std.file, std.line("review_by"), "review_by",
                      f"复核期限 {s.review_by} 早于施行日期 {s.effective}。请改正。")

    for chapter in project.chapters.values():
        _law_refs(project, chapter, chapter.record.laws, ("laws",), out)

    _raw_law_refs(project, out)

    if project.site:
        _home_refs(project, out)
        seen_ids: set[str] = set()
        for i, ch in enumerate(project.site.record.channels):
            if ch.id in seen_ids:
                out.error("schema.duplicate_id", project.site.file, project.site.line("channels", i, "id"),
                          f"channels[{i}].id", f"渠道编号“{ch.id}”重复。请改成唯一的编号。")
            seen_ids.add(ch.id)
    return out


def _home_refs(project: Project, out: Problems) -> None:
    """What `home` in data/site.yml features must exist, or the home page would link nowhere."""
    site = project.site
    assert site is not None  # the caller checks
    home = site.record.home
    chapters = "、".join(sorted(project.chapters)) or "（无）"

    def chapter(stem: str | None, path: tuple) -> None:
        if stem and stem not in project.chapters:
            out.error("ref.chapter", site.file, site.line(*path), ".".join(map(str, path)),
                      f"手册章节“{stem}”不存在（content/handbook/{stem}.md）。请写章节的文件名（不含 .md），"
                      f"现有：{chapters}；或删去这一行。 Unknown handbook chapter.")

    chapter(home.complaint_chapter, ("home", "complaint_chapter"))
    if home.rights:
        chapter(home.rights.chapter, ("home", "rights", "chapter"))
        for i, right in enumerate(home.rights.items):
            if right.law not in project.laws:
                unknown_law(out, site.file, site.line("home", "rights", "items", i, "law"),
                            f"home.rights.items[{i}].law", right.law)
    for i, ch in enumerate(site.record.channels):
        if ch.image and not (project.root / "content" / ch.image).is_file():
            out.error("ref.file", site.file, site.line("channels", i, "image"), f"channels[{i}].image",
                      f"图片 content/{ch.image} 不存在。请把二维码图片放到 content/ 下这个位置，或改正路径。"
                      " The image file does not exist under content/.")
    logo = site.record.logo
    if logo and not (project.root / "content" / logo).is_file():
        out.error("ref.file", site.file, site.line("logo"), "logo",
                  f"标志图片 content/{logo} 不存在。请把图片放到 content/ 下这个位置，或改正 logo 的路径；"
                  "不印标志就删去 logo 这一行。 The logo file does not exist under content/.")


def check_placeholders(project: Project) -> Problems:
    """Text still reading 【请填写】 (left from `rightsite new`) must not be published."""
    from ..newrecord import PLACEHOLDER

    out = Problems()
    for group in (project.cases, project.events, project.standards):
        for item in group.values():
            for path, line in item.doc.lines.items():
                value = item.doc.data
                try:
                    for part in path:
                        value = value[part]
                except (KeyError, IndexError, TypeError):
                    continue
                if isinstance(value, str) and PLACEHOLDER in value:
                    fld = ".".join(str(p) for p in path)
                    out.error("schema.placeholder", item.file, line, fld,
                              f"还有未填写的内容“{PLACEHOLDER}”。请换成实际内容后再发布。 Replace the placeholder before publishing.")
    return out
