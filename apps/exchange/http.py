"""Answering with a workbook: the download headers, shared by the API and the admin."""

from urllib.parse import quote

from django.http import HttpResponse

from .workbooks import XLSX_CONTENT_TYPE


def content_disposition(filename: str, fallback: str) -> str:
    """``attachment`` with an ASCII name for old clients and the real one per RFC 5987/6266."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def xlsx_response(content: bytes, filenames: tuple[str, str]) -> HttpResponse:
    filename, fallback = filenames
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename, fallback)
    response["Content-Length"] = str(len(content))
    # An export may hold personal data: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response
