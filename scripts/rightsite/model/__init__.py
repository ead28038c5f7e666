"""Typed record models, one module per record kind. No MkDocs or WeasyPrint here."""
from .case import Case
from .categories import Categories
from .chapter import Chapter
from .common import Record
from .event import Event
from .inspection import Inspection
from .laws import Law, Laws
from .site import Site
from .report import Report
from .standard import Standard
from .survey import Survey

KINDS: dict[str, type[Record]] = {
    "site": Site,
    "categories": Categories,
    "laws": Laws,
    "case": Case,
    "event": Event,
    "standard": Standard,
    "inspection": Inspection,
    "chapter": Chapter,
    "survey": Survey,
    "report": Report,
}

__all__ = ["Case", "Categories", "Chapter", "Event", "Inspection", "Law", "Laws", "Site", "Standard", "KINDS"]
