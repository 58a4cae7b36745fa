"""The vocabularies of consultation reports: confidentiality, status, adoption level."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Public (公开): every school and department of the network")
    INTERNAL = "internal", _("Internal (内部): the owner school and the schools above it")
    RESTRICTED = "restricted", _("Restricted (限阅): named readers only")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ADOPTED = "adopted", _("Adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class AdoptionLevel(models.TextChoices):
    INSTRUCTION = "instruction", _("Leader's instruction (领导批示)")
    DEPARTMENT = "department", _("Adopted by a department (部门采纳)")
