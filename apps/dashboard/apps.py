from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The network dashboard: what is shared, reused and missing across the schools."""

    name = "apps.dashboard"
    label = "dashboard"
    verbose_name = _("Network dashboard")
