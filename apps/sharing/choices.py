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
    """Who a published resource is for, named relative to its owner (the scope ladder):
    private, the owner's own members only; district, the owner's district school and every
    school below it; network, the whole city. See ``apps.sharing.policy``."""

    PRIVATE = "private", _("Own school only")
    DISTRICT = "district", _("District")
    NETWORK = "network", _("Whole network")
