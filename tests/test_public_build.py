"""What the public build leaves out that the editors' preview keeps: a draft report's PDF."""
from __future__ import annotations

from conftest import edit


def test_draft_report_pdf_only_in_preview_unless_listed(qinghe, tmp_path):
    """A draft report not listed in `public_drafts` has no page on the public site, and no PDF
    either: its address (downloads/report-2025.pdf) would otherwise serve the unpublished figures."""
    from rightsite.load import load_project
    from rightsite.report.pdfdoc import build_report_pdfs

    edit(qinghe / "data/site.yml", "public_drafts: [2025]\n", "")
    project = load_project(qinghe)
    public, preview = tmp_path / "public", tmp_path / "preview"
    assert not build_report_pdfs(project, public, qinghe / ".cache").items
    assert sorted(p.name for p in public.rglob("*.pdf")) == ["report-2024.pdf"]
    assert not build_report_pdfs(project, preview, qinghe / ".cache", preview=True).items
    assert sorted(p.name for p in preview.rglob("*.pdf")) == ["report-2024.pdf", "report-2025.pdf"]
