"""Evidence files on the web: a form that may carry them is allowed a larger request, and a
file is served only as a download — its type as its bytes say, never sniffed, never shown
in the page — after the view has checked that the person may see its record."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, current_app, request

from ..files import DEFAULT_MAX_BYTES


def allow_evidence_files() -> None:
    """Let this request carry evidence files (EVIDENCE_FORM_MAX_BYTES in all), before its
    form is read; any other form stays within MAX_CONTENT_LENGTH."""
    most = current_app.config.get("EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES)
    request.max_content_length = current_app.config.get("EVIDENCE_FORM_MAX_BYTES", 3 * most + 1024 * 1024)


def send_evidence(file, *, public: bool) -> Response:
    """`file` (an area's evidence file record, its bytes loaded) as a download. A file of a
    public record may be kept by caches; any other only by the person's browser."""
    response = Response(file.data, mimetype=file.content_type)
    ascii_name = file.filename.encode("ascii", "replace").decode("ascii").replace('"', "'").replace("?", "_")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file.filename, safe='')}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.set_etag(file.sha256)
    if public:
        response.cache_control.public = True
        response.cache_control.max_age = 3600
    else:
        response.cache_control.private = True
        response.cache_control.no_store = True
    return response
