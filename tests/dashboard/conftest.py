"""Helpers for the dashboard tests: build resources anywhere, read the page's tables back."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.test import Client

from apps.accounts.models import User
from tests.conftest import ORG
from tests.factories import LIBRARY_FACTORIES

DASHBOARD = "/dashboard/"
EXPORT = "/dashboard/export/"

# An author who may create in each owner (any creating seat of that organisation).
AUTHORS = {
    ORG["M"]: "muni_teacher",
    ORG["DA"]: "dA_teacher",
    ORG["TA"]: "tA_teacher",
    "440604011": "tA2_teacher",
    ORG["DB"]: "dB_curator",
    "440605011": "tB_teacher",
    ORG["DEP"]: "dept",
}


@pytest.fixture
def make(db):
    """``make("courses", "440604", domains=[...], status=..., scope=...)`` → a saved resource."""

    def build(library: str, owner: str, *, status="published", scope="network", domains=None):
        author = User.objects.get(username=AUTHORS[owner])
        return LIBRARY_FACTORIES[library](
            owner_code=owner,
            author=author,
            status=status,
            scope=scope,
            domains=domains if domains is not None else ["industrial-system"],
        )

    return build


@pytest.fixture
def city(make):
    """Published resources in every tier and two districts, plus work that does not count."""
    make("courses", ORG["M"])
    make("courses", ORG["M"], scope="private")  # published for its own school: still published
    make("faculty", ORG["M"])
    make("courses", ORG["DA"], scope="district")
    make("sites", ORG["DA"])
    make("courses", ORG["TA"], scope="district")
    make("cases", ORG["TA"])
    make("courses", ORG["DB"])
    make("faculty", ORG["DB"])
    make("courses", "440605011")
    make("cases", ORG["DEP"])
    make("courses", ORG["DA"], status="pending", scope="district")
    make("courses", ORG["DB"], status="pending")
    make("courses", ORG["TA"], status="draft", scope="private")  # not counted at all
    make("cases", ORG["M"], status="withdrawn")  # not counted at all


@pytest.fixture
def browser(db):
    """``browser("muni_curator")`` → a Django test client signed in as that persona."""

    def make_client(name: str | None = None) -> Client:
        client = Client()
        if name:
            client.force_login(User.objects.get(username=name))
        return client

    return make_client


class TableReader(HTMLParser):
    """Every ``<table id="table-…">`` of a page as lists of cell texts (header row first).

    Cells marked ``class="action"`` (links for curators) are not data and are skipped.
    Chart payloads (``<script type="application/json">``) are collected by id.
    """

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.footers: dict[str, list[list[str]]] = {}
        self._section = None
        self.scripts: dict[str, str] = {}
        self._table = None
        self._row = None
        self._cell = None
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (attrs.get("id") or "").startswith("table-"):
            self._table = attrs["id"].removeprefix("table-")
            self.tables[self._table] = []
        elif self._table and tag in ("thead", "tbody", "tfoot"):
            self._section = tag
        elif self._table and tag == "tr":
            self._row = []
        elif self._row is not None and tag in ("td", "th"):
            self._cell = None if "action" in (attrs.get("class") or "").split() else []
        elif tag == "script" and attrs.get("type") == "application/json":
            self._script = attrs.get("id")
            self.scripts[self._script] = ""

    def handle_endtag(self, tag):
        if tag == "table" and self._table:
            self._table = None
        elif tag == "tr" and self._row is not None:
            target = self.footers if self._section == "tfoot" else self.tables
            target.setdefault(self._table, []).append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._script:
            self.scripts[self._script] += data


class Page:
    def __init__(self, response):
        self.response = response
        self.html = response.content.decode()
        reader = TableReader()
        reader.feed(self.html)
        self.tables = reader.tables
        self.footers = reader.footers
        self.scripts = reader.scripts

    def table(self, key: str) -> list[list[str]]:
        """The body rows of a table (no header, no total)."""
        return self.tables[key][1:]

    def rows(self, key: str) -> list[list[str]]:
        """Body rows then the total row, as the export writes them after the header."""
        return self.tables[key][1:] + self.footers.get(key, [])

    def header(self, key: str) -> list[str]:
        return self.tables[key][0]

    def row(self, key: str, first: str) -> list[str]:
        """The row whose first cell is ``first``."""
        rows = [r for r in self.rows(key) if r[0] == first]
        assert len(rows) == 1, (first, self.rows(key))
        return rows[0]

    def column(self, key: str, label: str) -> int:
        return self.header(key).index(label)

    def chart(self, key: str) -> dict:
        return json.loads(self.scripts[f"chart-{key}"])


@pytest.fixture
def page(browser):
    """``page("muni_curator", org=…)`` → the dashboard as that persona, parsed."""

    def get(name: str, **params) -> Page:
        response = browser(name).get(DASHBOARD, params, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, response.content[:500]
        return Page(response)

    return get
