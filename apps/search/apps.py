from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Chinese full-text search shared by the pages and the API's ``q``."""

    name = "apps.search"
    label = "search"
    verbose_name = _("Search")
