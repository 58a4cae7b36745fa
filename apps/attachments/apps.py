from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    """Files attached to courses and cases: checked by content, stored once, served by rule."""

    name = "apps.attachments"
    label = "attachments"
    verbose_name = _("Attachments")
