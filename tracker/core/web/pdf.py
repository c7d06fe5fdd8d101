"""Reports as PDF: a page rendered for print, written as PDF by WeasyPrint (with the machine's
Pango). The PDF's stylesheet (static/css/report.css) is read from the package, never fetched
over HTTP (the app would be asking itself), and nothing else is fetched: a report holds text
and inline SVG only — a page's own stylesheets and menus are left out."""

from __future__ import annotations

from importlib import resources

from flask import Response
from weasyprint import CSS, HTML


def _no_fetching(url: str, *args: object, **kwargs: object) -> dict:
    raise ValueError(f"a report fetches nothing: {url}")


def pdf(html: str, filename: str) -> Response:
    """`html` as a PDF download named `filename`."""
    stylesheet = resources.files("tracker").joinpath("static/css/report.css").read_text(encoding="utf-8")
    document = HTML(string=html, url_fetcher=_no_fetching).write_pdf(stylesheets=[CSS(string=stylesheet)])
    return Response(
        document,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
