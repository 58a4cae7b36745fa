from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    """Files attached to resources of the libraries that carry them (``Library.attachments``):
    checked by content, stored once, served by rule."""

    name = "apps.attachments"
    label = "attachments"
    verbose_name = _("Attachments")

    def ready(self):
        from apps.sharing.content_version import watch

        from . import services  # noqa: F401  (copies the files of a reused resource)
        from .models import Attachment

        watch(Attachment)  # lists show what carries files
