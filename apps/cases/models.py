"""The case library (案例库)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.choices import Scope
from apps.sharing.models import SharedResource
from apps.taxonomy.models import ThematicDomain


class Case(SharedResource):
    """A real local case for case teaching (教学案例), often supplied by a partner department
    and reviewed by the municipal school before anyone else sees it."""

    background = models.TextField(_("background and story"), blank=True)
    key_issues = models.TextField(_("key issues"), blank=True)
    teaching_notes = models.TextField(_("teaching notes"), blank=True)
    discussion_questions = models.TextField(_("discussion questions"), blank=True)
    domains = models.ManyToManyField(
        ThematicDomain, verbose_name=_("thematic domains"), blank=True, related_name="cases"
    )
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    place = models.ForeignKey(
        Organization,
        verbose_name=_("where it happened (district or town)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_located",
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1949), MaxValueValidator(2100)],
    )
    contributing_department = models.ForeignKey(
        Organization,
        verbose_name=_("contributing department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_contributed",
    )
    external_ref = models.CharField(
        _("the department's own reference"),
        max_length=100,
        blank=True,
        help_text=_("Unique within the owning department; lets its system find the case again."),
    )

    CONTENT_FIELDS = (
        "title",
        "background",
        "key_issues",
        "teaching_notes",
        "discussion_questions",
        "industry",
        "place",
        "year",
        "contributing_department",
        "external_ref",
    )
    CONTENT_M2M = ("domains",)
    NOT_COPIED_ON_REUSE = ("external_ref",)
    SEARCH_TEXT_FIELDS = (
        "background",
        "key_issues",
        "teaching_notes",
        "discussion_questions",
        "industry",
    )

    class Meta(SharedResource.Meta):
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="case_external_ref_per_owner",
            )
        ]

    def missing_for_submission(self) -> dict[str, list[str]]:
        errors = super().missing_for_submission()
        required = str(_("This field is required."))
        for name in ("background", "key_issues", "teaching_notes", "discussion_questions"):
            if not getattr(self, name).strip():
                errors[name] = [required]
        if self.year is None:
            errors["year"] = [required]
        if not self.domains.exists():
            errors["domains"] = [str(_("Choose at least one thematic domain."))]
        return errors

    def submit_on_create(self) -> str | None:
        """A partner department's case is created and submitted in one step, to the whole
        network: a department has no curators of its own, so the municipal school reviews it
        before any other school sees it."""
        if self.owner.kind == OrganizationKind.DEPARTMENT:
            return Scope.NETWORK
        return None

    def uniqueness_errors(self) -> dict[str, list[str]]:
        """``external_ref`` is unique within the owner (the department's own reference)."""
        if (
            self.external_ref
            and Case.objects.filter(owner_id=self.owner_id, external_ref=self.external_ref)
            .exclude(pk=self.pk)
            .exists()
        ):
            return {"external_ref": [str(_("This reference is already used by another case."))]}
        return {}
