from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "apps.courses"
    label = "courses"
    verbose_name = _("Course library")

    def ready(self) -> None:
        from . import library  # noqa: F401  (registers the library with the sharing engine)
