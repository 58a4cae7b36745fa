"""A report's file over HTTP, the same for the API and the pages."""

from __future__ import annotations

from django.http import FileResponse

from apps.attachments.checks import ascii_fallback
from apps.exchange.http import content_disposition

from .models import Report


def file_response(obj: Report) -> FileResponse:
    """The report's file, as attachments are served: named, never sniffed, sandboxed, and
    kept by no shared cache (who may read it depends on the reader)."""
    response = FileResponse(obj.file.open("rb"), content_type=obj.file_type)
    response["Content-Disposition"] = content_disposition(
        obj.file_name, ascii_fallback(obj.file_name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
