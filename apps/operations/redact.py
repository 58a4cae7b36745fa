"""What never reaches a log line: secrets and personal contact data.

Two layers, both in this module:

- by name: a field whose name says it holds a secret or contact data (``password``,
  ``token``, ``authorization``, ``cookie``, ``secret``, ``phone``, ``email``, ``contact`` …)
  keeps its name and loses its value, in structured events and in query strings;
- by shape: in any text (a message, its arguments, a traceback, the rendered line) an
  ``Authorization``/``Bearer`` value, an API token (``rp_<id>_<secret>``), ``name=value``
  or ``"name": "value"`` pairs with such names, e-mail addresses, ID numbers and phone
  numbers are replaced by ``[redacted]``.

A lecturer's contact fields (``LecturerContact``: phone, e-mail, ID number;
``apps/faculty/privacy.py`` says who may read them) are exactly what the shapes catch; a log
reader is none of those people. ``RedactingFilter`` sits on the one handler
(``conf.logging_config``) and the formatters redact the finished line once more, so text
that only appears when a traceback is rendered is covered too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

REDACTED = "[redacted]"

# Names of fields whose values are never logged (compared lower-case, as substrings of the
# name: "HTTP_AUTHORIZATION", "new_password1", "X-Api-Key", "contact_phone" all match).
SENSITIVE_NAME_PARTS = (
    "password",
    "passwd",
    "secret",
    "token",
    "authorization",
    "cookie",
    "session",
    "csrf",
    "api_key",
    "apikey",
    "api-key",
    "signature",
    "credential",
    "phone",
    "mobile",
    "email",
    "e-mail",
    "contact",
    "id_number",
    "id_card",
)


def sensitive_name(name: str) -> bool:
    name = str(name).lower()
    return any(part in name for part in SENSITIVE_NAME_PARTS)


_NAMES = "|".join(re.escape(p) for p in SENSITIVE_NAME_PARTS)
# name=value, name: value, "name": "value" (also inside JSON-escaped text: \"name\": \"v\").
_PAIR = re.compile(
    rf"""(?ix)
    (?P<name>[\w-]*(?:{_NAMES})[\w-]*)      # a sensitive name
    (?P<sep>\\?["']?\s*[:=]\s*\\?["']?)     # = or : with optional quotes
    (?!\[redacted\])                      # (already redacted: leave it)
    (?P<value>(?:Bearer\s+|Token\s+|Basic\s+)?(?!\[redacted\])[^\s"'&,;\\}}\]]+)
    """
)
_BEARER = re.compile(r"(?i)\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=-]{6,}")
_API_TOKEN = re.compile(r"\brp_[A-Za-z0-9]+_[A-Za-z0-9_-]{8,}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Mainland mobiles (11 digits from 1[3-9]), landlines with an area code (0757-8123 4567),
# and any run of 7+ digits with separators that reads like a phone number. Bare ids and
# counts stay (a 7+ digit run needs a leading + or 0/1 to be taken for a phone).
_PHONE = re.compile(
    r"""(?x)
    (?<![\w.-])
    (?:
        \+?86[\s-]?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}
      | 1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}
      | \(?0\d{2,3}\)?[\s-]?\d{7,8}
      | \+\d[\d\s-]{7,}\d
    )
    (?![\w-])
    """
)


# A mainland resident ID number (18 characters, the last a digit or X).
_ID_NUMBER = re.compile(r"(?<![\w.-])\d{17}[\dXx](?![\w-])")


def redact_text(text: str) -> str:
    """``text`` with secrets and contact data replaced (see the module's docstring)."""
    if not text:
        return text
    text = _PAIR.sub(lambda m: f"{m.group('name')}{m.group('sep')}{REDACTED}", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _API_TOKEN.sub(REDACTED, text)
    text = _EMAIL.sub(REDACTED, text)
    text = _ID_NUMBER.sub(REDACTED, text)
    text = _PHONE.sub(REDACTED, text)
    return text


def redact_query(query: str) -> str:
    """A query string, decoded for reading (``q=党建``), with the values of sensitive
    parameters replaced and the rest redacted by shape (a search for a phone number loses
    the number)."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return "&".join(f"{k}={REDACTED if sensitive_name(k) else redact_text(v)}" for k, v in pairs)


def redact_value(name: str, value: Any) -> Any:
    if sensitive_name(name):
        return REDACTED
    return redact_any(value)


def redact_any(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return (
            type(value)(redact_any(v) for v in value)
            if not isinstance(value, set)
            else {redact_any(v) for v in value}
        )
    return value


def redact_event(logger, method_name, event_dict):
    """structlog processor: every field of the event, by name and by shape."""
    return {
        key: (value if key.startswith("_") else redact_value(key, value))
        if key not in ("event", "exception")
        else redact_any(value)
        for key, value in event_dict.items()
    }


# The attributes every LogRecord has; anything else was passed in ``extra=``.
_RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys()) | {
    "message",
    "asctime",
}


class RedactingFilter(logging.Filter):
    """On the handler: the message (with its arguments merged in), the ``extra`` fields and
    an exception's rendered text lose secrets and contact data before any formatter sees
    them. It never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, dict):  # a structlog event on its way to the formatter
            record.msg = redact_event(None, "", record.msg)
        else:
            try:
                message = record.getMessage()
            except Exception:  # a broken format string: log what we have
                message = str(record.msg)
            record.msg = redact_text(message)
            record.args = ()
        for key, value in list(record.__dict__.items()):
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                setattr(record, key, redact_value(key, value))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
            record.exc_info = None
        return True
