from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Excel in and out (.xlsx) for every library: templates, validated imports, exports."""

    name = "apps.exchange"
    label = "exchange"
    verbose_name = _("Excel import and export")
