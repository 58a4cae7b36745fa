from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeachingSitesConfig(AppConfig):
    name = "apps.teaching_sites"
    label = "teaching_sites"
    verbose_name = _("On-site teaching library")

    def ready(self) -> None:
        from . import library  # noqa: F401  (registers the library with the sharing engine)
