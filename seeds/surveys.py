"""Needs surveys for the demo (需求调研): three surveys of the municipal school, to the schools
(closed, spring), to the partner departments (open) and to trainees (open), with a few hundred
anonymous answers spread over the city level and the five districts, so that the gap map
(``apps.surveys.gaps``) shows real contrast.

The needs are drawn from a seeded generator around a profile per domain and area: industry
(建设现代化产业体系, 制造业) is wanted everywhere and most in 顺德 and 南海, as are science and
technology (科技自立自强), but the demo's many manufacturing-first and smart-manufacturing
classes supply them; finance (金融赋能) is wanted much, most in 禅城 and 南海, and supplied
least (the widest gaps); the business environment is wanted less; talent (建设人才高地) most
in 三水 and 高明, where it becomes a gap. The supply is whatever the demo's libraries and
classes hold.

The surveys, their questions and their opening go through ``apps.surveys.services`` (audited
as a curator's would be); the links and answers are written with ``bulk_create`` (hundreds of
rows: the demo stays fast). Each answered link is stored spent, as its digest only, from a
secret drawn with ``secrets`` and thrown away, like an answered link; a few links of each open
survey are left unanswered (their secrets are not known either: a demo link to answer is
issued on the survey's links page). A second run adds nothing (surveys found by title).
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from django.utils import timezone

from apps.organizations.models import Organization, OrganizationKind
from apps.surveys import services
from apps.surveys.models import Answer, QuestionKind, Response, ResponseToken, Survey
from apps.taxonomy.models import ThematicDomain

# Mean rating (1–5) per domain, and what each district adds to it.
PROFILE = {
    "industrial-system": 3.8,
    "sci-tech": 4.2,
    "finance": 4.0,
    "business-environment": 2.6,
    "talent": 3.3,
}
AREA_SHIFT = {
    "440606": {"industrial-system": 0.9, "sci-tech": 0.2},  # 顺德
    "440605": {"industrial-system": 0.6, "finance": 0.5, "sci-tech": 0.4},  # 南海
    "440604": {"finance": 0.6, "business-environment": 0.6},  # 禅城
    "440607": {"talent": 1.0, "sci-tech": -0.4, "industrial-system": -0.3},  # 三水
    "440608": {"talent": 0.9, "finance": -0.6},  # 高明
    "440600": {"business-environment": -0.3},  # 市级
}
# survey → (title, audience, answered per area, left unanswered, closed)
SURVEYS = [
    (
        "2026年全市党校系统干部能力短板需求调研",
        "schools",
        {"440600": 24, "440604": 42, "440605": 48, "440606": 46, "440607": 30, "440608": 28},
        0,
        True,
    ),
    (
        "2026年联席会议成员单位培训需求调研",
        "departments",
        {"440600": 64},
        12,
        False,
    ),
    (
        "2026年下半年学员培训需求问卷",
        "trainees",
        {"440600": 40, "440604": 60, "440605": 66, "440606": 62, "440607": 34, "440608": 30},
        20,
        False,
    ),
]
CHOICE = [
    ("急需，已影响工作", 100),
    ("需要，希望近期安排", 60),
    ("一般", 25),
    ("暂不需要", 0),
    ("不清楚", None),
]
SUGGESTIONS = [
    "希望多安排制造业企业现场教学",
    "多讲数字化转型的真实案例",
    "金融知识太专业，希望有入门课程",
    "建议邀请企业家授课",
    "希望课程结合本镇街产业实际",
    "人才政策解读需要更新",
    "",
    "",
    "",
]


def _rating(rng: random.Random, mean: float) -> int:
    return max(1, min(5, round(rng.gauss(mean, 0.8))))


def _choice(rng: random.Random, mean: float) -> int:
    # a higher need picks the first options more often; sometimes "不清楚"
    if rng.random() < 0.08:
        return 4
    score = rng.gauss((mean - 1) / 4, 0.2)
    return 0 if score > 0.8 else 1 if score > 0.55 else 2 if score > 0.3 else 3


def _build(user, owner, title, audience, domains, today) -> Survey:
    survey = services.survey_create(
        user=user,
        owner=owner,
        data={
            "title": title,
            "audience": audience,
            "intro": "请根据本单位实际填写，问卷匿名，每个链接只能提交一次。",
            "opens_on": today - timedelta(days=40),
            "closes_on": today + timedelta(days=20),
        },
    )
    for domain in domains:
        services.question_add(
            user=user,
            survey_pk=survey.pk,
            data={
                "text": f"您单位在「{domain.name}」方面的培训需求程度？",
                "domain": domain,
                "kind": QuestionKind.RATING,
            },
        )
    for code in ("industrial-system", "finance"):
        domain = next(d for d in domains if d.code == code)
        services.question_add(
            user=user,
            survey_pk=survey.pk,
            data={
                "text": f"「{domain.name}」专题课程和案例能否满足需要？",
                "domain": domain,
                "kind": QuestionKind.CHOICE,
                "options": [{"label": label, "weight": weight} for label, weight in CHOICE],
            },
        )
    services.question_add(
        user=user,
        survey_pk=survey.pk,
        data={"text": "其他意见和建议", "domain": domains[0], "kind": QuestionKind.TEXT},
    )
    services.survey_move(user=user, pk=survey.pk, status="open")
    return survey


def seed_surveys(users: dict) -> dict[str, int]:
    """The demo's surveys and answers (idempotent); returns what was added."""
    added = {"surveys": 0, "survey answers": 0}
    user = users.get("muni_curator")
    owner = Organization.objects.filter(code="440600").first()
    domains = [d for d in ThematicDomain.objects.active() if d.code in PROFILE]
    if user is None or owner is None or len(domains) != len(PROFILE):
        return added
    areas = {
        o.code: o
        for o in Organization.objects.filter(
            kind__in=(OrganizationKind.MUNICIPAL, OrganizationKind.DISTRICT)
        )
    }
    rng = random.Random(14)
    today = timezone.localdate()
    now = timezone.now()
    for title, audience, per_area, unanswered, closed in SURVEYS:
        if Survey.objects.filter(title=title).exists():
            continue
        survey = _build(user, owner, title, audience, domains, today)
        questions = list(survey.questions.select_related("domain").order_by("position"))
        total = sum(per_area.values())
        tokens = [
            ResponseToken(
                survey=survey,
                token=services.digest(secrets.token_urlsafe(services.TOKEN_BYTES)),
                used_at=now if n < total else None,
            )
            for n in range(total + unanswered)
        ]
        ResponseToken.objects.bulk_create(tokens)
        responses = []
        for code, count in per_area.items():
            for _n in range(count):
                responses.append(
                    Response(
                        survey=survey,
                        area=areas[code],
                        submitted_on=today - timedelta(days=rng.randint(0, 35)),
                    )
                )
        Response.objects.bulk_create(responses)
        answers = []
        for response in responses:
            shift = AREA_SHIFT.get(response.area.code, {})
            for q in questions:
                mean = PROFILE.get(q.domain.code, 3) + shift.get(q.domain.code, 0)
                answer = Answer(response=response, question=q)
                if q.kind == QuestionKind.RATING:
                    answer.rating = _rating(rng, mean)
                elif q.kind == QuestionKind.CHOICE:
                    answer.choice = _choice(rng, mean)
                else:
                    answer.text = rng.choice(SUGGESTIONS)
                    if not answer.text:
                        continue
                answer.need = services.need_of(q, rating=answer.rating, choice=answer.choice)
                answers.append(answer)
        Answer.objects.bulk_create(answers, batch_size=1000)
        if closed:
            services.survey_move(user=user, pk=survey.pk, status="closed")
        added["surveys"] += 1
        added["survey answers"] += len(responses)
    return added
