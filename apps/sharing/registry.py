"""The four libraries, registered once, so pages, search and the dashboard can walk them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class Library:
    key: str  # URL segment in pages and API: courses, faculty, cases, sites
    model: type
    filterset: type
    label: str | Promise  # 课程库 …
    item_label: str | Promise  # 课程 …
    facets: tuple[str, ...] = field(default_factory=tuple)  # filter names offered as facets
    position: int = 0  # order in menus: courses, lecturers, cases, sites


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
