from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Work that leaves the request: the job queue (django-tasks, database backend)."""

    name = "apps.jobs"
    label = "jobs"
    verbose_name = _("Jobs")

    def ready(self):
        from . import inline

        inline.connect()
