"""Course-specific writes: the joint teaching group ("1+N" 联组授课)."""

from django.utils.translation import gettext_lazy as _

from apps.faculty.models import Lecturer
from apps.sharing.exceptions import InvalidInput

from .models import GroupRole, TeachingGroupMember


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
