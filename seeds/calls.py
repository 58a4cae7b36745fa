"""Calls for contributions for the demo (征集): two of the municipal school and one of 禅城's,
answered by some invitees with resources they already hold in the demo's libraries, one past
due with late invitees (so reminders and the "late" state show).

Every call and answer goes through ``apps.calls.services`` (audited as a curator's or a
submitter's would be; the invitees are notified). The past-due call is published with a due
date ahead, as the service requires, then moved into the past. A second run adds nothing
(calls found by topic).
"""

from __future__ import annotations

from datetime import timedelta

from apps.calls import services
from apps.calls.models import Call
from apps.organizations.models import Organization
from apps.sharing.registry import get_library
from apps.taxonomy.models import ThematicDomain

# topic → (publisher, by, kinds, domains, invitees, due in days, answers: (owner, by, library))
CALLS = [
    (
        "2026年营商环境改革典型案例征集",
        "440600",
        "muni_curator",
        ["cases", "courses"],
        ["business-environment"],
        ["440600-fgj", "440600-scjgj", "440600-zsj", "440604", "440605"],
        21,
        [("440600-fgj", "fgj_submitter", "cases"), ("440604", "chancheng_curator", "courses")],
    ),
    (
        "2026年上半年制造业当家教学资源征集",
        "440600",
        "muni_curator",
        ["cases", "courses", "sites"],
        ["industrial-system"],
        ["440600-gxj", "440600-kjj", "440606", "440607"],
        -12,  # past due: the ones without an answer are late
        [("440600-gxj", "gxj_submitter", "cases")],
    ),
    (
        "禅城区基层治理课程与现场教学点征集",
        "440604",
        "chancheng_curator",
        ["courses", "sites", "cases"],
        [],
        ["440604010", "440604011"],
        14,
        [("440604010", "zumiao_teacher", "courses")],
    ),
]


def seed_calls(users) -> dict[str, int]:
    made = answered = 0
    today = services.local_today()
    for topic, publisher, by, kinds, domains, invited, due_in, answers in CALLS:
        if Call.objects.filter(topic=topic).exists():
            continue
        orgs = list(Organization.objects.filter(code__in=invited))
        call = services.call_create(
            user=users[by],
            organization=Organization.objects.get(code=publisher),
            topic=topic,
            description="请结合本单位工作实际报送，材料完整、可直接用于教学。",
            domains=list(ThematicDomain.objects.filter(code__in=domains)),
            kinds=kinds,
            invited=orgs,
            due_on=today + timedelta(days=max(due_in, 1)),
        )
        made += 1
        for owner, who, key in answers:
            model = get_library(key).model
            resource = model.objects.filter(owner__code=owner).order_by("pk").first()
            if resource is None or who not in users:
                continue
            services.answer_record(call=call, resource=resource, user=users[who])
            answered += 1
        if due_in < 1:
            Call.objects.filter(pk=call.pk).update(due_on=today + timedelta(days=due_in))
    return {"calls": made, "call answers": answered}
