from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit trail: who changed what, for which organisation, when (see ``apps.audit``)."""

    name = "apps.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from apps.sharing.actions import observe

        from . import signals  # noqa: F401  (membership and token changes)
        from .recorder import record_action

        observe(record_action)  # one event per named action of the services
