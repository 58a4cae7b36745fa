"""The API's body parsers: DRF's, with the edge's rules (``apps.api.edge``) for bodies.

JSON
    at most ``JSON_MAX_DEPTH`` levels of nesting (a deeper body is refused whole, even one
    deep enough to exhaust Python's recursion while it is read); every list at most
    ``API_MAX_LIST_ITEMS`` items; no control character other than tab, newline and carriage
    return, nor half of a UTF-16 surrogate pair (``"\\ud800"``), in a key or a string. A
    refusal is a 400 naming the limit, and the field (its path, ``teaching_group.0.duty``)
    where there is one.
forms and uploads
    no such control character in a field's name or value (Django drops them from file
    names itself); how many fields and how large they are is Django's to bound
    (``DATA_UPLOAD_MAX_NUMBER_FIELDS``, ``DATA_UPLOAD_MAX_MEMORY_SIZE``), answered by
    ``apps.api.problems.refusal``.

How large a body may be at all is checked before any parser runs (``EdgeMiddleware``).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

from .edge import CONTROL, CONTROL_IN_BODY, control_message

# JSON may escape half a UTF-16 pair ("\ud800"), which no database can store.
SURROGATE = re.compile("[\ud800-\udfff]")


def _text_problem(text: str) -> str | None:
    if CONTROL_IN_BODY.search(text):
        return control_message()
    if SURROGATE.search(text):
        return _("Text must be valid Unicode (no lone surrogate code points).")
    return None


def _path(parts: tuple) -> str:
    return ".".join(str(p) for p in parts) or "non_field_errors"


def json_problems(data, max_depth: int, max_items: int) -> dict[str, list[str]]:
    """``{path: [message]}`` for what in a parsed JSON body is over the bounds (none: ``{}``).

    Walked with a stack of its own, so any depth costs no recursion; too deep a body is
    refused whole (ParseError) without looking further.
    """
    errors: dict[str, list[str]] = {}
    stack = [(data, 1, ())]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, str):
            if problem := _text_problem(value):
                errors[_path(path)] = [problem]
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > max_depth:
            raise exceptions.ParseError(
                _("The JSON body is nested deeper than %(limit)d levels.") % {"limit": max_depth}
            )
        if isinstance(value, list):
            if len(value) > max_items:
                errors[_path(path)] = [
                    _("Send at most %(limit)d items in a list (this one has %(count)d).")
                    % {"limit": max_items, "count": len(value)}
                ]
                continue
            items = enumerate(value)
        else:
            items = value.items()
            if problem := next(filter(None, map(_text_problem, value)), None):
                errors[_path(path)] = [problem]
                continue
        stack.extend((item, depth + 1, (*path, key)) for key, item in items)
    return errors


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        max_depth = settings.JSON_MAX_DEPTH
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(
                _("The JSON body is nested deeper than %(limit)d levels.") % {"limit": max_depth}
            ) from None
        errors = json_problems(data, max_depth, settings.API_MAX_LIST_ITEMS)
        if errors:
            raise exceptions.ValidationError(errors)
        return data


def _form_problems(data) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, values in data.lists():
        if CONTROL_IN_BODY.search(name) or any(
            isinstance(v, str) and CONTROL_IN_BODY.search(v) for v in values
        ):
            errors[CONTROL.sub("?", name)] = [control_message()]
    return errors


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if errors := _form_problems(data):
            raise exceptions.ValidationError(errors)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        if errors := _form_problems(parsed.data):
            raise exceptions.ValidationError(errors)
        return parsed
