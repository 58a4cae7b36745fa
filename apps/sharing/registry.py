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
form_parts          builders of the library's parts of its    ``apps.web`` (create and edit
                    page form beyond its own fields (a        pages); see ``FormPart``
                    course's group, a lecturer's contact)
page_actions        the library's own actions on its detail   ``apps.web`` (detail page and
                    page (a site's lifecycle); see            ``/library/<key>/<pk>/<name>/``)
                    ``PageAction``
review              whether items carry a review-by date      services (publish, rereview),
                    (待复核; cases, courses)                  API, pages, reminders
==================  =======================================  ================================

Adding a fifth library: a new app folder with its model, filterset, API part, admin part,
sheet and ``library.py``, plus its line in ``INSTALLED_APPS``. Nothing in the shared apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

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


class FormPart(Protocol):
    """A part of a library's page form beyond its own fields, built for one request by a
    ``Library.form_parts`` builder: ``build(*, data, obj, user, actor) -> FormPart | None``
    (``data``: the POST or None; ``obj``: None on create; None: not for this user, and then
    its fields are not even shown). The page saves the form and its parts in one service call.
    """

    template_name: str  # rendered under the form's fields, with ``part`` in the context

    def is_valid(self) -> bool: ...

    def content(self) -> dict[str, Any]:
        """Entries added to the service's ``data`` (``{"teaching_group": [...]}``); may be empty."""
        ...

    def take_errors(self, errors: dict[str, list[str]]) -> dict[str, list[str]]:
        """Show the service's errors that belong to the part beside its fields; return the rest."""
        ...


@dataclass(frozen=True)
class PageAction:
    """A library's own action on its detail page, beside the workflow's (a site's lifecycle).

    The page shows ``form(obj, data=None)`` (with ``template``) to readers for whom
    ``offered(obj, actor=...)`` is true, and on ``POST /library/<key>/<pk>/<name>/`` calls
    ``perform(obj, form, user=...)`` with the bound, valid form. ``perform`` calls the
    library's service, which decides (whatever ``offered`` said), and returns the success
    message; a ``SharingError`` is shown beside the form with the input kept.
    """

    name: str  # the URL's last segment; not one of the workflow's (submit, publish …)
    offered: Callable[..., bool]
    form: Callable[..., Any]
    perform: Callable[..., Any]
    template: str


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
    form_parts: tuple[Callable[..., FormPart | None], ...] = ()
    page_actions: tuple[PageAction, ...] = ()
    review: bool = False  # items carry a review-by date (待复核): docs/review-dates.md

    @property
    def facet_names(self) -> tuple[str, ...]:
        return tuple(facet.name for facet in self.facets)

    def page_action(self, name: str) -> PageAction | None:
        return next((a for a in self.page_actions if a.name == name), None)


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


def reviewable(model) -> bool:
    """Whether ``model``'s library gives its items a review-by date (``Library.review``)."""
    library = find_library(model)
    return library is not None and library.review


def cache_models() -> frozenset[type]:
    """The libraries' further models whose rows a cached list shows."""
    return frozenset(m for library in _LIBRARIES.values() for m in library.cache_models)
