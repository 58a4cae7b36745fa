from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Signed HTTP deliveries of events to partner departments' own systems."""

    name = "apps.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from apps.notifications.events import register_channel

        from .delivery import queue_deliveries

        register_channel(queue_deliveries)
