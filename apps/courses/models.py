"""The course library (课程库)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.sharing.models import SharedResource
from apps.taxonomy.models import CourseKind, TeachingMethod, ThematicDomain

from .teaching_group import GroupRole, TeachingGroupMember, teaching_group_set

__all__ = ["Course", "GroupRole", "TeachingGroupMember"]


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
    cases = models.ManyToManyField(
        "cases.Case", verbose_name=_("cases used"), blank=True, related_name="courses"
    )
    sites = models.ManyToManyField(
        "teaching_sites.TeachingSite",
        verbose_name=_("on-site teaching sites"),
        blank=True,
        related_name="courses",
    )

    CONTENT_FIELDS = ("title", "summary", "outline", "kind", "class_hours", "target_audience")
    CONTENT_M2M = ("domains", "methods", "cases", "sites")
    EXTRA_CONTENT = ("teaching_group",)
    EXTRA_LABELS = {"teaching_group": _("teaching group")}
    # A kept seat names its lecturer: a version or diff shows it only to who may see them.
    EXTRA_REFERENCES = {"teaching_group": ("lecturer", "faculty.Lecturer")}
    SEARCH_TEXT_FIELDS = ("summary", "outline", "target_audience")

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

    def set_extra(self, data: dict, *, user) -> None:
        if "teaching_group" in data:
            teaching_group_set(course=self, members=data["teaching_group"], user=user)

    def extra_snapshot(self, name: str):
        if name != "teaching_group":
            return None
        return [
            {"lecturer": m.lecturer_id, "role": m.role, "duty": m.duty}
            for m in self.teaching_group.all()
        ]

    def apply_extra_snapshot(self, name: str, value) -> None:
        """A sync takes the source's group as it was published (its lecturers as they are)."""
        if name != "teaching_group":
            return
        TeachingGroupMember.objects.filter(course=self).delete()
        TeachingGroupMember.objects.bulk_create(
            TeachingGroupMember(
                course=self,
                lecturer_id=m["lecturer"],
                role=m["role"],
                duty=m.get("duty", ""),
                position=index,
            )
            for index, m in enumerate(value or [])
        )

    def copy_extra_to(self, copy: "Course") -> None:
        TeachingGroupMember.objects.bulk_create(
            TeachingGroupMember(
                course=copy,
                lecturer_id=m.lecturer_id,
                role=m.role,
                duty=m.duty,
                position=m.position,
            )
            for m in self.teaching_group.all()
        )
