"""The sharing vocabulary every library speaks: status and scope."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Scope(models.TextChoices):
    """The audience of a resource, named relative to its owner."""

    PRIVATE = "private", _("Own school only")
    DISTRICT = "district", _("District")
    NETWORK = "network", _("Whole network")
