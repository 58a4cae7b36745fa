"""The library registry: what each library tells the shared apps about itself.

Each library fills in one ``Library`` in its own folder (``apps/<library>/library.py``,
loaded by its ``AppConfig.ready``). The shared apps never import a library by name: they
walk ``libraries()`` and read what an entry holds.

==================  =======================================  ================================
entry               what it is                               who reads it
==================  =======================================  ================================
model, filterset    the resource model and its one FilterSet  pages, API, search, dashboard
viewset             the library's REST part (serializer,      ``apps.api`` composes it with
                    own actions); see ``sharing.api``         history, Excel, files, retries
admin               the library's ModelAdmin part             ``apps.backoffice`` composes it
sheet               ``() -> exchange LibrarySpec``: the       ``apps.exchange``
                    Excel columns
facets              ``Facet``s offered on the list page       ``apps.web`` (counts, labels)
links               relations to other libraries' resources   API prefetches, detail pages
detail_template,    the library's section of its detail       ``apps.web``
detail_context      page and what that section needs
attachments         whether items carry files                 ``apps.attachments``, API, pages
personal_fields     personal data kept out of histories       ``apps.audit``
cache_models        further models whose rows a cached list   ``sharing.content_version``
                    shows (a course's teaching group)
==================  =======================================  ================================

Adding a fifth library: a new app folder with its model, filterset, API part, admin part,
sheet and ``library.py``, plus its line in ``INSTALLED_APPS``. Nothing in the shared apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Facet:
    """A filter offered on the list page with a count per value.

    ``code``/``label_field`` are the lookups counted (``domains__code``,
    ``domains__name``); without ``label_field`` the value is a choice whose label the
    page translates (status, scope, lifecycle).
    """

    name: str  # the filter's name in the library's FilterSet
    code: str
    label_field: str | None = None
    label: str | Promise = ""


DOMAIN = Facet("domain", "domains__code", "domains__name", _("Thematic domain"))
KIND = Facet("kind", "kind__code", "kind__name", _("Kind"))
SCOPE = Facet("scope", "scope", None, _("Scope"))
STATUS = Facet("status", "status", None, _("Status"))


@dataclass(frozen=True)
class Library:
    key: str  # URL segment in pages and API: courses, faculty, cases, sites
    model: type
    filterset: type
    label: str | Promise  # 课程库 …
    item_label: str | Promise  # 课程 …
    facets: tuple[Facet, ...] = ()
    position: int = 0  # order in menus: courses, lecturers, cases, sites
    viewset: type | None = None
    basename: str = ""  # the API's route name (course, lecturer …)
    admin: type | None = None
    sheet: Callable[[], Any] | None = None
    links: tuple[str, ...] = ()  # relation names on ``model`` to other libraries' resources
    detail_template: str = ""
    detail_context: Callable[..., dict[str, Any]] | None = None
    attachments: bool = False
    personal_fields: frozenset[str] = frozenset()
    cache_models: tuple[type, ...] = field(default_factory=tuple)

    @property
    def facet_names(self) -> tuple[str, ...]:
        return tuple(facet.name for facet in self.facets)


_LIBRARIES: dict[str, Library] = {}


def register(library: Library) -> Library:
    _LIBRARIES[library.key] = library
    return library


def libraries() -> list[Library]:
    return sorted(_LIBRARIES.values(), key=lambda library: library.position)


def get_library(key: str) -> Library:
    return _LIBRARIES[key]


def library_for_model(model) -> Library:
    for library in _LIBRARIES.values():
        if library.model is model or isinstance(model, library.model):
            return library
    raise LookupError(model)


def find_library(model) -> Library | None:
    """``model``'s library, or None for a model that is no library's resource."""
    try:
        return library_for_model(model)
    except LookupError:
        return None


def linked_models(model) -> list[tuple[str, type]]:
    """``(relation name, the other library's model)`` for each of ``model``'s links."""
    library = find_library(model)
    if library is None:
        return []
    return [(name, model._meta.get_field(name).related_model) for name in library.links]


def personal_fields(model) -> frozenset[str]:
    library = find_library(model)
    return library.personal_fields if library is not None else frozenset()


def cache_models() -> frozenset[type]:
    """The libraries' further models whose rows a cached list shows."""
    return frozenset(m for library in _LIBRARIES.values() for m in library.cache_models)
