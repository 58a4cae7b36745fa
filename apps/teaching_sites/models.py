"""The on-site teaching library (现场教学库) and each site's lifecycle."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.faculty.models import Lecturer
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.choices import Scope, Status
from apps.sharing.models import SharedResource
from apps.taxonomy.models import SiteCategory, ThematicDomain


class Lifecycle(models.TextChoices):
    """A site is admitted when ready (成熟一个纳入一个) and managed over time (动态管理)."""

    CANDIDATE = "candidate", _("Candidate")
    ASSESSING = "assessing", _("Being assessed")
    ADMITTED = "admitted", _("Admitted")
    SUSPENDED = "suspended", _("Suspended")
    RETIRED = "retired", _("Retired")


# from → the states it may move to
LIFECYCLE_MOVES: dict[str, frozenset[str]] = {
    Lifecycle.CANDIDATE: frozenset({Lifecycle.ASSESSING, Lifecycle.RETIRED}),
    Lifecycle.ASSESSING: frozenset({Lifecycle.ADMITTED, Lifecycle.CANDIDATE, Lifecycle.RETIRED}),
    Lifecycle.ADMITTED: frozenset({Lifecycle.SUSPENDED, Lifecycle.RETIRED}),
    Lifecycle.SUSPENDED: frozenset({Lifecycle.ADMITTED, Lifecycle.RETIRED}),
    Lifecycle.RETIRED: frozenset(),
}


class TeachingSite(SharedResource):
    """An on-site teaching site (现场教学点): a park, factory or platform trainees visit.

    ``title`` holds the site's name. ``lifecycle`` sits beside the sharing status:
    only admitted sites may be published beyond their owner or reused. A school admits its
    own sites before it submits them; a partner department, which has no curators, submits
    its site as a candidate and the audience's curators (the municipal school's) assess and
    admit it while it waits in their review queue, then publish it.
    """

    category = models.ForeignKey(
        SiteCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites",
    )
    host_organization = models.CharField(_("host organisation"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    district = models.ForeignKey(
        Organization,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites_in_district",
    )
    town = models.ForeignKey(
        Organization,
        verbose_name=_("town or street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites_in_town",
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    teaching_points = models.TextField(_("what trainees see and learn"), blank=True)
    domains = models.ManyToManyField(
        ThematicDomain, verbose_name=_("thematic domains"), blank=True, related_name="sites"
    )
    visit_minutes = models.PositiveSmallIntegerField(
        _("visit length (minutes)"), null=True, blank=True
    )
    capacity = models.PositiveSmallIntegerField(_("capacity per visit"), null=True, blank=True)
    lecturers = models.ManyToManyField(
        Lecturer, verbose_name=_("on-site lecturers"), blank=True, related_name="sites"
    )
    visit_contact = models.CharField(_("contact for visits"), max_length=120, blank=True)
    lifecycle = models.CharField(
        _("lifecycle"), max_length=16, choices=Lifecycle.choices, default=Lifecycle.CANDIDATE
    )

    CONTENT_FIELDS = (
        "title",
        "category",
        "host_organization",
        "address",
        "district",
        "town",
        "latitude",
        "longitude",
        "teaching_points",
        "visit_minutes",
        "capacity",
        "visit_contact",
    )
    CONTENT_M2M = ("domains", "lecturers")
    SEARCH_TEXT_FIELDS = ("host_organization", "address", "teaching_points")

    class Meta(SharedResource.Meta):
        verbose_name = _("on-site teaching site")
        verbose_name_plural = _("on-site teaching sites")

    def missing_for_submission(self) -> dict[str, list[str]]:
        errors = super().missing_for_submission()
        required = str(_("This field is required."))
        for name in ("host_organization", "address", "teaching_points"):
            if not getattr(self, name).strip():
                errors[name] = [required]
        for name in ("category", "district"):
            if getattr(self, f"{name}_id") is None:
                errors[name] = [required]
        return errors

    def submit_on_create(self) -> str | None:
        """A partner department's site is created and submitted in one step, to the whole
        network, as its cases are: a department has no curators of its own, so the municipal
        school assesses it (考察), admits it (纳入) and publishes it."""
        if self.owner.kind == OrganizationKind.DEPARTMENT:
            return Scope.NETWORK
        return None

    def assessed_in_review(self) -> bool:
        """Whether the site is assessed by the curators it is submitted to rather than by its
        owner: a department's site (its owner has no curators to assess it)."""
        return self.submit_on_create() is not None

    def sharing_conflict(self, action: str, scope: str | None = None) -> str | None:
        """Library rule on top of the sharing policy: only admitted sites travel.

        A school admits its site before submitting it. A department submits its site as it
        is, to be assessed in review; it is published only once admitted, like any other.
        """
        admitted = self.lifecycle == Lifecycle.ADMITTED
        if action == "submit" and self.assessed_in_review():
            return None
        if action in ("submit", "publish") and scope != Scope.PRIVATE and not admitted:
            return str(_("Only admitted sites can be shared beyond their owner."))
        if action == "reuse" and not admitted:
            return str(_("Only admitted sites can be reused."))
        return None

    @classmethod
    def reusable_q(cls) -> models.Q:
        return models.Q(lifecycle=Lifecycle.ADMITTED)

    def assessment_stage(self) -> str:
        """Where a site submitted for assessment stands, in the words its owner reads
        (待考察, 考察中, 已纳入待发布); empty when it is not waiting in review."""
        if self.status != Status.PENDING:
            return ""
        stages = {
            Lifecycle.CANDIDATE: _("Waiting for assessment"),
            Lifecycle.ASSESSING: _("Assessment under way"),
            Lifecycle.ADMITTED: _("Admitted, waiting to be published"),
        }
        return str(stages.get(self.lifecycle, self.get_lifecycle_display()))


class LifecycleEvent(models.Model):
    """One lifecycle change of a site: when, from what, to what, why, and who (append-only)."""

    site = models.ForeignKey(
        TeachingSite, verbose_name=_("site"), on_delete=models.CASCADE, related_name="events"
    )
    from_state = models.CharField(_("from"), max_length=16, choices=Lifecycle.choices)
    to_state = models.CharField(_("to"), max_length=16, choices=Lifecycle.choices)
    reason = models.TextField(_("reason"))
    effective_on = models.DateField(_("effective on"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lifecycle change")
        verbose_name_plural = _("lifecycle changes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.site}: {self.from_state} → {self.to_state}"
