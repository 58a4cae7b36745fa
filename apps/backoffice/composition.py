"""One admin per library: the library's own part, composed with Excel import and export."""

from django.contrib import admin

from apps.exchange.admin import ExchangeAdminMixin
from apps.sharing.registry import libraries


def library_admin(part: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    """``part`` with the Excel import page, the template download and "export selected"."""
    return type(part.__name__, (ExchangeAdminMixin, part), {"__module__": part.__module__})


def register_library_admins(site: admin.AdminSite = admin.site) -> None:
    for library in libraries():
        if library.admin is not None and not site.is_registered(library.model):
            site.register(library.model, library_admin(library.admin))
