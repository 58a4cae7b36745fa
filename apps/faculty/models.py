"""The lecturer library (师资库)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.sharing.models import SharedResource
from apps.taxonomy.models import LecturerKind, ThematicDomain


class Employment(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")


class Lecturer(SharedResource):
    """A lecturer (师资) of one of the five kinds, shared and reused like any resource.

    ``title`` holds the lecturer's name, so every library answers to the same
    contract. Personal contact data lives apart, in ``LecturerContact``, so that
    lists, search and exports never load it by accident.
    """

    kind = models.ForeignKey(
        LecturerKind,
        verbose_name=_("kind of lecturer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lecturers",
    )
    employer = models.CharField(_("employer"), max_length=120, blank=True)
    position = models.CharField(_("position"), max_length=120, blank=True)
    professional_title = models.CharField(_("professional title"), max_length=60, blank=True)
    employment = models.CharField(
        _("full-time or part-time"),
        max_length=16,
        choices=Employment.choices,
        default=Employment.PART_TIME,
    )
    domains = models.ManyToManyField(
        ThematicDomain, verbose_name=_("expertise"), blank=True, related_name="lecturers"
    )
    biography = models.TextField(_("biography"), blank=True)

    CONTENT_FIELDS = (
        "title",
        "kind",
        "employer",
        "position",
        "professional_title",
        "employment",
        "biography",
    )
    CONTENT_M2M = ("domains",)
    EXTRA_CONTENT = ("contact",)
    SEARCH_TEXT_FIELDS = ("employer", "position", "professional_title", "biography")

    class Meta(SharedResource.Meta):
        verbose_name = _("lecturer")
        verbose_name_plural = _("lecturers")

    def missing_for_submission(self) -> dict[str, list[str]]:
        errors = super().missing_for_submission()
        required = str(_("This field is required."))
        for name in ("employer", "biography"):
            if not getattr(self, name).strip():
                errors[name] = [required]
        if self.kind_id is None:
            errors["kind"] = [required]
        if not self.domains.exists():
            errors["domains"] = [str(_("Choose at least one thematic domain."))]
        return errors

    def set_extra(self, data: dict, *, user) -> None:
        # Personal data is written by whoever may edit the lecturer; it is never copied
        # into a reuse copy (copy_extra_to stays a no-op) and read only per faculty.privacy.
        if "contact" in data:
            LecturerContact.objects.update_or_create(lecturer=self, defaults=data["contact"] or {})


class LecturerContact(models.Model):
    """A lecturer's personal contact data (个人信息): only the curators and admins of the
    owning school and of the municipal school may read it (see ``apps.faculty.privacy``)."""

    lecturer = models.OneToOneField(
        Lecturer, verbose_name=_("lecturer"), on_delete=models.CASCADE, related_name="contact"
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    id_number = models.CharField(_("ID number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("lecturer contact")
        verbose_name_plural = _("lecturer contacts")

    def __str__(self) -> str:
        return str(self.lecturer)
