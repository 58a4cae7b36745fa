"""Training classes (班次) and what they are made of: a timetable of sessions that teach library
courses with library lecturers, site visits booked with the site's owner, and trainees'
anonymous evaluations (评教).

Two clashes cannot be stored (PostgreSQL exclusion constraints, migration 0002; on SQLite the
services check the same rule): one lecturer in two overlapping sessions, of any class of any
school (``SessionLecturer`` carries its session's slot for that), and two visits that overlap
at one site (``SiteVisit``; a declined visit frees its slot).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization
from apps.taxonomy.models import Term, ThematicDomain


class ClassTheme(Term):
    """A class's theme (主题), such as 制造业当家: data that admins name and mark.

    ``manufacturing_first`` says which themes count towards the manufacturing share
    (制造业当家 classes ÷ specialised classes): a definition admins can change, not code.
    """

    manufacturing_first = models.BooleanField(
        _("counts as manufacturing-first (制造业当家)"), default=False
    )

    class Meta(Term.Meta):
        verbose_name = _("class theme")
        verbose_name_plural = _("class themes")


class ClassType(models.TextChoices):
    MAIN = "main", _("Main class (主体班)")
    SPECIALISED = "specialised", _("Specialised capability class (专业化能力提升班)")
    SEMINAR = "seminar", _("Thematic seminar (专题研讨班)")
    OTHER = "other", _("Other")


class CadreLevel(models.TextChoices):
    COUNTY = "county", _("County and division level (县处级)")
    SECTION = "section", _("Township and section level (乡科级)")
    VILLAGE = "village", _("Village and community cadres (村（社区）干部)")
    YOUNG = "young", _("Young cadres (年轻干部)")
    MIXED = "mixed", _("Mixed")


class ClassStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    ARCHIVED = "archived", _("Archived")


class TrainingClass(models.Model):
    """A training class (班次) hosted by a school, with optional partner schools (a joint class
    with another city's school among them)."""

    host = models.ForeignKey(
        Organization,
        verbose_name=_("host school"),
        on_delete=models.PROTECT,
        related_name="hosted_classes",
    )
    partners = models.ManyToManyField(
        Organization,
        verbose_name=_("partner schools"),
        blank=True,
        related_name="partner_classes",
    )
    title = models.CharField(_("title"), max_length=200)
    class_type = models.CharField(
        _("class type"), max_length=16, choices=ClassType.choices, default=ClassType.SPECIALISED
    )
    theme = models.ForeignKey(
        ClassTheme,
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="classes",
    )
    domains = models.ManyToManyField(
        ThematicDomain, verbose_name=_("thematic domains"), blank=True, related_name="classes"
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    trainee_count = models.PositiveIntegerField(
        _("number of trainees"), validators=[MaxValueValidator(2000)]
    )
    cadre_level = models.CharField(
        _("cadre level"), max_length=16, choices=CadreLevel.choices, default=CadreLevel.SECTION
    )
    trainee_units = models.CharField(_("trainees' units"), max_length=300, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ClassStatus.choices, default=ClassStatus.PLANNED
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("training class")
        verbose_name_plural = _("training classes")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["host", "start_date"], name="class_host_start_idx"),
            models.Index(fields=["start_date", "status"], name="class_start_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="class_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class Session(models.Model):
    """One slot of a class's timetable (课表): a course, its lecturers, maybe a site visit.

    ``course_version`` is the course's version when the session was planned: what was taught.
    """

    training_class = models.ForeignKey(
        TrainingClass,
        verbose_name=_("class"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    course = models.ForeignKey(
        "courses.Course",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="class_sessions",
    )
    course_version = models.PositiveIntegerField(_("course version taught"))
    lecturers = models.ManyToManyField(
        "faculty.Lecturer",
        verbose_name=_("lecturers"),
        through="SessionLecturer",
        related_name="class_sessions",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["course", "starts_at"], name="session_course_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.training_class} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class SessionLecturer(models.Model):
    """A lecturer teaching one session. The session's slot is copied here so that PostgreSQL
    can refuse the same lecturer in two overlapping slots (``session_lecturer_no_overlap``)."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="teaching"
    )
    lecturer = models.ForeignKey(
        "faculty.Lecturer",
        verbose_name=_("lecturer"),
        on_delete=models.PROTECT,
        related_name="session_seats",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("session lecturer")
        verbose_name_plural = _("session lecturers")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "lecturer"], name="one_seat_per_lecturer"),
        ]
        indexes = [models.Index(fields=["lecturer", "starts_at"], name="seat_lecturer_idx")]

    def __str__(self) -> str:
        return f"{self.lecturer} · {self.session}"


class VisitStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting the site's confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


class SiteVisit(models.Model):
    """A session's visit to an on-site teaching site, asked of the site's owner (预约).

    The slot is the session's, copied so that PostgreSQL can refuse two visits overlapping at
    one site (``site_visit_no_overlap``); a declined visit frees it.
    """

    session = models.OneToOneField(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="visit"
    )
    site = models.ForeignKey(
        "teaching_sites.TeachingSite",
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    visitors = models.PositiveIntegerField(_("visitors"))
    status = models.CharField(
        _("status"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.REQUESTED
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["site", "starts_at"], name="visit_site_idx")]

    def __str__(self) -> str:
        return f"{self.site} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class EvaluationCode(models.Model):
    """A one-time evaluation code (评教码) handed to one trainee: no account, no name.

    One code answers each session of its class once.
    """

    training_class = models.ForeignKey(
        TrainingClass,
        verbose_name=_("class"),
        on_delete=models.CASCADE,
        related_name="evaluation_codes",
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation code")
        verbose_name_plural = _("evaluation codes")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.code


RATING = [MinValueValidator(1), MaxValueValidator(5)]


class Evaluation(models.Model):
    """One trainee's anonymous rating of one session: content and delivery, 1–5 (评教)."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="evaluations"
    )
    code = models.ForeignKey(
        EvaluationCode,
        verbose_name=_("code"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    content = models.PositiveSmallIntegerField(_("content"), validators=RATING)
    delivery = models.PositiveSmallIntegerField(_("delivery"), validators=RATING)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("answered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "code"], name="one_answer_per_code"),
            models.CheckConstraint(
                condition=Q(content__gte=1, content__lte=5, delivery__gte=1, delivery__lte=5),
                name="evaluation_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session}: {self.content}/{self.delivery}"
