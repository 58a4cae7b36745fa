"""Needs surveys (需求调研): a survey's questions, its one-time links and the answers.

A survey belongs to a municipal or district school and asks schools, departments or trainees
about their needs, question by question, each question tied to a thematic domain. It reaches
its respondents through anonymous one-time links (``ResponseToken``): a link may be tagged with
an organisation (so that answers add up per district), never with a person. An answered link
is spent; the answer (``Response``) keeps the area it counts for (a district, or the city
level) and the day, and no link back to the token or to anyone.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization
from apps.taxonomy.models import ThematicDomain


class Audience(models.TextChoices):
    SCHOOLS = "schools", _("Schools")
    DEPARTMENTS = "departments", _("Departments")
    TRAINEES = "trainees", _("Trainees")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating (need level 1–5)")
    CHOICE = "choice", _("Choice")
    TEXT = "text", _("Free text")


class Survey(models.Model):
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    owner = models.ForeignKey(
        Organization, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="surveys"
    )
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.SCHOOLS
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("needs survey")
        verbose_name_plural = _("needs surveys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class Question(models.Model):
    """One question, tied to a thematic domain. A rating's need is (rating − 1) ÷ 4; a choice's
    is the weight (0–100) of the option chosen (an option without a weight measures no need);
    free text measures none and is read in the results."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=500)
    domain = models.ForeignKey(
        ThematicDomain,
        verbose_name=_("thematic domain"),
        on_delete=models.PROTECT,
        related_name="survey_questions",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    # [{"label": "…", "weight": 0–100 or null}, …] for a choice; [] otherwise
    options = models.JSONField(_("options"), default=list, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "id"]

    def __str__(self) -> str:
        return self.text


class ResponseToken(models.Model):
    """An anonymous one-time link (/s/<token>/): who it was handed to is not recorded; it may
    carry an organisation, so that its answer counts for that organisation's district."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="tokens"
    )
    # SHA-256 of the link's secret, in hex: the secret itself is shown once and kept nowhere
    token = models.CharField(_("token digest"), max_length=64, unique=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("respondent's organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    used_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.token[:6] + "…"


class Response(models.Model):
    """One anonymous set of answers: the area it counts for (a district school, or the
    municipal school for the city level) and the day; no token, no user."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    area = models.ForeignKey(
        Organization, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_on = models.DateField(_("submitted on"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["id"]
        indexes = [models.Index(fields=["survey", "area"], name="survey_resp_area_idx")]

    def __str__(self) -> str:
        return f"{self.survey_id}#{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    choice = models.PositiveSmallIntegerField(_("option"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    # the need this answer expresses, 0–100 (None: it measures none), fixed when answered
    need = models.FloatField(_("need"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"
