"""Capture what the configured log handler writes (the real filter and formatter)."""

from __future__ import annotations

import io
import json
import logging

import pytest

from apps.operations.logs import console_formatter, json_formatter


def _platform_handler() -> logging.Handler:
    for handler in logging.getLogger().handlers:
        if any(type(f).__name__ == "RedactingFilter" for f in handler.filters):
            return handler
    raise AssertionError("settings.LOGGING installs no redacting handler on the root logger")


class Captured:
    def __init__(self, stream: io.StringIO):
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def events(self) -> list[dict]:
        """Every line as JSON (the JSON format only)."""
        return [json.loads(line) for line in self.text.splitlines() if line.startswith("{")]

    def named(self, event: str) -> list[dict]:
        return [e for e in self.events() if e.get("event") == event]


@pytest.fixture(params=["json"])
def log_output(request):
    """The handler settings.LOGGING configured, writing to a buffer in the given format
    (JSON by default; parametrize indirectly with "console" for the demo's format)."""
    handler = _platform_handler()
    stream = io.StringIO()
    old_stream, old_formatter = handler.stream, handler.formatter
    handler.setStream(stream)
    handler.setFormatter(json_formatter() if request.param == "json" else console_formatter())
    try:
        yield Captured(stream)
    finally:
        handler.setStream(old_stream)
        handler.setFormatter(old_formatter)
