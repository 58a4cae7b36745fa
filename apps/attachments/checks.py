"""What a file really is, from its first bytes — never from its name.

Accepted: PDF, Word, PowerPoint, Excel (both the OOXML zip formats and the legacy OLE2
ones), JPEG, PNG. Everything else — HTML renamed .pdf, executables, archives — is refused.
"""

import io
import os
import unicodedata
import zipfile

from django.utils.translation import gettext_lazy as _

# kind → (allowed extensions, MIME type served on download)
KINDS = {
    "pdf": ({".pdf"}, "application/pdf"),
    "docx": ({".docx"}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pptx": (
        {".pptx"},
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "xlsx": ({".xlsx"}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ole": ({".doc", ".ppt", ".xls"}, "application/octet-stream"),
    "jpeg": ({".jpg", ".jpeg"}, "image/jpeg"),
    "png": ({".png"}, "image/png"),
}
OOXML_DIRS = {"word/": "docx", "ppt/": "pptx", "xl/": "xlsx"}
LEGACY_TYPES = {
    ".doc": "application/msword",
    ".ppt": "application/vnd.ms-powerpoint",
    ".xls": "application/vnd.ms-excel",
}


class FileRefused(ValueError):
    pass


def safe_filename(name: str) -> str:
    """The uploader's name, kept for display and download only: no path, no control chars."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[:200] or "file"


def ascii_fallback(name: str) -> str:
    """An ASCII stand-in for clients that ignore ``filename*`` (keeps the extension)."""
    stem, extension = os.path.splitext(name)
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = "".join(ch for ch in ascii_stem if ch.isalnum() or ch in "-_ ").strip()
    ascii_ext = extension.encode("ascii", "ignore").decode()
    return f"{ascii_stem or 'attachment'}{ascii_ext}"


def sniff(head: bytes, data: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            for prefix, kind in OOXML_DIRS.items():
                if any(n.startswith(prefix) for n in names):
                    return kind
    return None


def classify(filename: str, data: bytes) -> tuple[str, str]:
    """(kind, MIME type) of an accepted file; FileRefused with a message otherwise."""
    extension = os.path.splitext(filename)[1].lower()
    kind = sniff(data[:16], data)
    if kind is None:
        raise FileRefused(
            _("This file type is not accepted. Upload PDF, Word, PowerPoint, Excel, JPEG or PNG.")
        )
    extensions, mime = KINDS[kind]
    if extension not in extensions:
        raise FileRefused(
            _("The file's name (%(ext)s) does not match its content (%(kind)s).")
            % {"ext": extension or "—", "kind": kind.upper()}
        )
    if kind == "ole":
        mime = LEGACY_TYPES[extension]
    return kind, mime
