from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "apps.sharing"
    label = "sharing"
    verbose_name = _("Sharing")

    def ready(self):
        from .content_version import connect_signals

        connect_signals()
