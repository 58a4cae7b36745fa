"""The course library (课程库)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.sharing.models import SharedResource
from apps.taxonomy.models import CourseKind, TeachingMethod, ThematicDomain


class Course(SharedResource):
    """A course (课程) that a school teaches and shares: a lecture, a case-teaching course,
    on-site teaching or a seminar, organised by the thematic domains (七大领域)."""

    summary = models.TextField(_("summary"), blank=True)
    outline = models.TextField(_("outline"), blank=True)
    domains = models.ManyToManyField(
        ThematicDomain, verbose_name=_("thematic domains"), blank=True, related_name="courses"
    )
    kind = models.ForeignKey(
        CourseKind,
        verbose_name=_("kind"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
    )
    methods = models.ManyToManyField(
        TeachingMethod, verbose_name=_("teaching methods"), blank=True, related_name="courses"
    )
    class_hours = models.DecimalField(
        _("class hours"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("200"))],
    )
    target_audience = models.CharField(_("target audience"), max_length=200, blank=True)

    CONTENT_FIELDS = ("title", "summary", "outline", "kind", "class_hours", "target_audience")
    CONTENT_M2M = ("domains", "methods")

    class Meta(SharedResource.Meta):
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def missing_for_submission(self) -> dict[str, list[str]]:
        errors = super().missing_for_submission()
        required = str(_("This field is required."))
        for name in ("summary", "outline", "target_audience"):
            if not (getattr(self, name) or "").strip():
                errors[name] = [required]
        if self.kind_id is None:
            errors["kind"] = [required]
        if not self.class_hours:
            errors["class_hours"] = [required]
        if not self.domains.exists():
            errors["domains"] = [str(_("Choose at least one thematic domain."))]
        return errors
