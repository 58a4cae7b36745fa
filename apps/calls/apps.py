from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "apps.calls"
    label = "calls"
    verbose_name = _("Calls for contributions")

    def ready(self) -> None:
        from django.urls import reverse

        from apps.notifications.subjects import Subject, register

        from . import policy, services
        from .models import Call

        register(
            Subject(
                model=Call,
                visible_q=policy.visible_q,
                recipients=services.notification_recipients,
                path=lambda pk: reverse("web:call-detail", args=[pk]),
            )
        )
