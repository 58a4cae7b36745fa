from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "apps.backoffice"
    label = "backoffice"
    verbose_name = _("Curators' admin")

    def ready(self) -> None:
        # In ready(), not admin.py: the admin's autodiscovery runs before the libraries
        # have filled the registry (each does so in its own ready()).
        from .composition import register_library_admins

        register_library_admins()
