from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacultyConfig(AppConfig):
    name = "apps.faculty"
    label = "faculty"
    verbose_name = _("Lecturer library")

    def ready(self) -> None:
        from . import library  # noqa: F401  (registers the library with the sharing engine)
