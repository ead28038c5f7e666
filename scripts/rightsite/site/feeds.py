"""Calendars, the Atom feed and schema.org data, from a loaded project. No MkDocs imports.

Everything here is deterministic for the same records and the same `today`, so an
unchanged site rebuilds byte-identical files.
"""
from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from functools import lru_cache
from urllib.parse import urlparse

from icalendar import Calendar, Event as ICalEvent, vText

from .. import urls
from ..clock import SHANGHAI, start_of_day
from ..load import Project
from ..model import Event

ICS_STATUS = {"planned": "CONFIRMED", "postponed": "TENTATIVE", "cancelled": "CANCELLED", "held": "CONFIRMED"}
SCHEMA_STATUS = {"planned": "EventScheduled", "postponed": "EventPostponed",
                 "cancelled": "EventCancelled", "held": "EventScheduled"}
ATOM = "http://www.w3.org/2005/Atom"


def calendar_events(project: Project, today: dt.date) -> list[Event]:
    """Events a calendar should carry: not yet over (cancelled ones too, so calendars drop them)."""
    now = start_of_day(today)
    return sorted((e.record for e in project.events.values() if e.record.is_announced(now)),
                  key=lambda e: (e.start, e.id))


def _host(project: Project) -> str:
    assert project.site is not None
    return urlparse(project.site.record.base_url).netloc


def event_url(project: Project, event_id: str) -> str:
    assert project.site is not None
    return urls.absolute(project.site.record.base_url, urls.event(event_id))


def _vevent(project: Project, event: Event, stamp: dt.datetime) -> ICalEvent:
    ve = ICalEvent()
    ve.add("uid", f"event-{event.id}@{_host(project)}")  # stable: calendars update, not duplicate
    ve.add("dtstamp", stamp)
    ve.add("dtstart", event.start.astimezone(SHANGHAI))
    ve.add("dtend", event.end.astimezone(SHANGHAI))
    ve.add("summary", event.title)
    ve.add("location", vText(event.location))
    desc = event.description.strip()
    if event.note:
        desc = event.note.strip() + "\n\n" + desc
    ve.add("description", f"{desc}\n\n报名：{event.registration}\n{event_url(project, event.id)}")
    ve.add("url", event_url(project, event.id))
    ve.add("status", ICS_STATUS[event.status])
    assert project.site is not None
    ve.add("organizer", f"mailto:{_group_email(project)}", parameters={"CN": project.site.record.group.name})
    return ve


def _group_email(project: Project) -> str:
    assert project.site is not None
    for ch in project.site.record.channels:
        if ch.kind == "email":
            return ch.value
    return f"noreply@{_host(project)}"


def _calendar(project: Project, name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//rightsite//rightsite//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    return cal


@lru_cache(maxsize=1)
def _vtimezone():
    """The Asia/Shanghai VTIMEZONE, generated once (icalendar derives it from zoneinfo, slowly)."""
    cal = Calendar()
    probe = ICalEvent()
    probe.add("dtstart", dt.datetime(2026, 1, 1, tzinfo=SHANGHAI))
    cal.add_component(probe)
    cal.add_missing_timezones()
    return cal.walk("VTIMEZONE")[0]


def _stamp(today: dt.date) -> dt.datetime:
    return dt.datetime.combine(today, dt.time(0, 0), tzinfo=dt.timezone.utc)


def events_ics(project: Project, today: dt.date) -> bytes:
    """site/events.ics: every upcoming event."""
    assert project.site is not None
    cal = _calendar(project, f"{project.site.record.mall.name}维权宣传活动")
    for event in calendar_events(project, today):
        cal.add_component(_vevent(project, event, _stamp(today)))
    cal.add_component(_vtimezone())
    return cal.to_ical()


def event_ics(project: Project, event: Event, today: dt.date) -> bytes:
    """site/events/<id>.ics: one event, for the 添加到日历 link."""
    cal = _calendar(project, event.title)
    cal.add_component(_vevent(project, event, _stamp(today)))
    cal.add_component(_vtimezone())
    return cal.to_ical()


def atom_feed(project: Project, today: dt.date, limit: int = 50) -> bytes:
    """site/feed.xml: newest cases and events first."""
    assert project.site is not None
    site = project.site.record
    base = site.base_url
    entries = []
    for c in project.cases.values():
        r = c.record
        entries.append((r.closed, urls.url(urls.case(r.id)), f"典型案例：{r.title}", r.summary, f"cases/{r.id}"))
    for e in project.events.values():
        r = e.record
        published = min(r.start.date(), today)
        entries.append((published, urls.url(urls.event(r.id)), f"{r.status_label}｜{r.title}", r.description,
                        f"events/{r.id}"))
    entries.sort(key=lambda x: (x[0], x[1]), reverse=True)
    entries = entries[:limit]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "zh-CN"})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = site.title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = base
    ET.SubElement(feed, f"{{{ATOM}}}link", {"href": base})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": base + urls.FEED})
    updated = entries[0][0] if entries else today
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = f"{updated.isoformat()}T00:00:00+08:00"
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = site.group.name
    for day, path, title, summary, tag in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = title
        # the year in a record's id (2025-003) dates the tag: stable for the life of the record
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"tag:{_host(project)},{tag.split('/')[-1][:4]}:{tag}"
        ET.SubElement(entry, f"{{{ATOM}}}link", {"href": base + path})
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = f"{day.isoformat()}T00:00:00+08:00"
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary.strip()
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8") + b"\n"


def event_jsonld(project: Project, event: Event) -> str:
    """schema.org Event as a <script> block, safe to embed in HTML."""
    assert project.site is not None
    site = project.site.record
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": event.start.isoformat(),
        "endDate": event.end.isoformat(),
        "eventStatus": f"https://schema.org/{SCHEMA_STATUS[event.status]}",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {"@type": "Place", "name": event.location,
                     "address": site.mall.address or site.mall.name},
        "description": event.description.strip(),
        "organizer": {"@type": "Organization", "name": site.organiser, "url": site.base_url},
        "url": event_url(project, event.id),
        "isAccessibleForFree": True,
        "inLanguage": "zh-CN",
    }
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">\n{text}\n</script>'
