"""The joint teaching group of a course (联组授课 "1+N"): its seats and the rule for setting them.

One lead outside expert plus N others (party-school teachers, officials, entrepreneurs), all
from the lecturer library. ``teaching_group_set`` is the one way the group is written: the
sharing services call it through ``Course.set_extra`` inside their transaction, so the API,
the pages, the admin and the imports all keep the same rule.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.faculty.models import Lecturer
from apps.sharing.exceptions import InvalidInput


class GroupRole(models.TextChoices):
    """Roles in a "1+N" joint teaching group (联组授课)."""

    LEAD_EXPERT = "lead_expert", _("Lead outside expert (theory)")
    PARTY_SCHOOL_TEACHER = "party_school_teacher", _("Party-school teacher")
    OFFICIAL = "official", _("Official (policy and practice)")
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur (experience)")


class TeachingGroupMember(models.Model):
    """One seat in a course's joint teaching group: one lead outside expert plus N others,
    all from the lecturer library (联组授课 "1+N")."""

    course = models.ForeignKey(
        "courses.Course",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="teaching_group",
    )
    lecturer = models.ForeignKey(
        "faculty.Lecturer",
        verbose_name=_("lecturer"),
        on_delete=models.PROTECT,
        related_name="group_seats",
    )
    role = models.CharField(_("role in the group"), max_length=24, choices=GroupRole.choices)
    duty = models.CharField(_("what they teach"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("teaching group member")
        verbose_name_plural = _("teaching group members")
        ordering = ["course", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "lecturer"], name="group_lecturer_once"),
            models.UniqueConstraint(
                fields=["course"],
                condition=models.Q(role="lead_expert"),
                name="group_one_lead_expert",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.lecturer} ({self.get_role_display()})"


def teaching_group_set(*, course, members: list[dict], user) -> None:
    """Replace the course's group. Called by the sharing services inside their transaction.

    ``members``: ``[{"lecturer": Lecturer, "role": ..., "duty": ...}, ...]``, in order.
    Lecturers must be visible to the editor; seats held by lecturers the editor
    cannot see are kept as they are.
    """
    visible_ids = set(
        Lecturer.objects.restrict(user, "view")
        .filter(pk__in=[m["lecturer"].pk for m in members])
        .values_list("pk", flat=True)
    )
    errors = {}
    seen = set()
    leads = 0
    for index, member in enumerate(members):
        lecturer = member["lecturer"]
        if lecturer.pk not in visible_ids:
            errors[f"teaching_group.{index}.lecturer"] = [str(_("Unknown lecturer."))]
        if lecturer.pk in seen:
            errors[f"teaching_group.{index}.lecturer"] = [
                str(_("A lecturer can hold only one seat in a group."))
            ]
        seen.add(lecturer.pk)
        leads += member["role"] == GroupRole.LEAD_EXPERT
    if leads > 1:
        errors["teaching_group"] = [str(_("A group has one lead outside expert."))]
    if errors:
        raise InvalidInput(errors=errors)

    hidden = course.teaching_group.exclude(
        lecturer_id__in=Lecturer.objects.restrict(user, "view").values("pk")
    )
    if (
        any(m["role"] == GroupRole.LEAD_EXPERT for m in members)
        and hidden.filter(role=GroupRole.LEAD_EXPERT).exists()
    ):
        raise InvalidInput(
            errors={"teaching_group": [str(_("A group has one lead outside expert."))]}
        )
    course.teaching_group.exclude(pk__in=hidden.values("pk")).delete()
    TeachingGroupMember.objects.bulk_create(
        TeachingGroupMember(
            course=course,
            lecturer=m["lecturer"],
            role=m["role"],
            duty=m.get("duty", ""),
            position=index,
        )
        for index, m in enumerate(members)
    )
