"""Teaching sites supplied by a partner department (演示数据): 市工业和信息化局 puts forward
three of the city's factories (the brief's sites come largely from departments and the
enterprises they bring in).

Each goes the way a person's would, through the services: the department's submitter creates
it, which submits it at once to the whole network (``TeachingSite.submit_on_create``); the
municipal curator then assesses it through its lifecycle (``site_change_lifecycle``) while it
waits in the review queue, and publishes it once admitted. The demo shows one of each stage:

- 美的集团灯塔工厂: admitted and published at network scope (reusable by every school);
- 顺德机器人谷: being assessed (考察中), still pending;
- 高明海天调味食品产业园: just submitted, waiting for assessment (待考察).

A second run adds nothing (each site is found by its owner and title).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.accounts.services import member_add
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing import services as sharing
from apps.sharing.choices import Scope
from apps.taxonomy.models import SiteCategory, ThematicDomain
from apps.teaching_sites.models import Lifecycle, TeachingSite
from apps.teaching_sites.services import site_change_lifecycle

from .demo import DEMO_MARK, DEMO_PASSWORD

DEPARTMENT_CODE = "440600-gxj"  # 佛山市工业和信息化局
DEPARTMENT_NAME = "工业和信息化局"
SUBMITTER = "gxj_submitter"
CURATOR = "muni_curator"

# title, host, address, district, category, domains, points, minutes, capacity, the stage
SITES = [
    (
        "美的集团灯塔工厂",
        "美的集团股份有限公司",
        "佛山市顺德区北滘镇美的大道6号",
        "440606",
        "lighthouse-factory",
        ["industrial-system", "sci-tech"],
        "全球“灯塔工厂”的数字化改造：柔性产线、工业互联网平台与供应链协同。",
        90,
        40,
        Lifecycle.ADMITTED,
    ),
    (
        "顺德机器人谷",
        "顺德区北滘镇机器人谷产业园",
        "佛山市顺德区北滘镇机器人谷",
        "440606",
        "industrial-park",
        ["industrial-system", "sci-tech"],
        "机器人及智能装备产业集群的招引、孵化与产业链配套。",
        60,
        50,
        Lifecycle.ASSESSING,
    ),
    (
        "高明海天调味食品产业园",
        "佛山市海天（高明）调味食品有限公司",
        "佛山市高明区沧江工业园",
        "440608",
        "enterprise",
        ["industrial-system"],
        "传统食品制造业的智能化升级与质量管理体系。",
        60,
        60,
        Lifecycle.CANDIDATE,
    ),
]
MOVES = {
    Lifecycle.ASSESSING: [(Lifecycle.ASSESSING, "市委党校组织实地考察。", 20)],
    Lifecycle.ADMITTED: [
        (Lifecycle.ASSESSING, "市委党校组织实地考察。", 40),
        (Lifecycle.ADMITTED, "考察合格：讲解员、接待能力和安全条件齐备，纳入现场教学点。", 25),
    ],
}


def _department() -> Organization | None:
    """市工业和信息化局, by its code, or by its name should the codes have been renamed."""
    found = Organization.objects.filter(code=DEPARTMENT_CODE).first()
    if found is None:
        found = (
            Organization.objects.filter(
                kind=OrganizationKind.DEPARTMENT, name__contains=DEPARTMENT_NAME, depth=1
            )
            .order_by("code")
            .first()
        )
    return found


def _submitter(users: dict, department: Organization):
    user = users.get(SUBMITTER)
    if user is None:
        user, _membership, created = member_add(
            username=SUBMITTER, org_code=department.code, role="submitter"
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.display_name = f"{department.short_name or department.name}报送员"
            user.save(update_fields=["password", "display_name"])
    return user


def seed_dept_sites(users: dict) -> dict[str, int]:
    """The department's sites at their stages (idempotent); returns what was added."""
    added = {"department sites": 0}
    department = _department()
    curator = users.get(CURATOR)
    if department is None or curator is None:
        return added
    submitter = _submitter(users, department)
    today = timezone.localdate()
    for spec in SITES:
        title, host, address, district, category, domains, points, minutes, capacity, stage = spec
        if TeachingSite.objects.filter(owner=department, title=title).exists():
            continue
        data = {
            "title": title,
            "host_organization": host,
            "address": address,
            "district": Organization.objects.get(code=district),
            "category": SiteCategory.objects.get(code=category),
            "domains": list(ThematicDomain.objects.filter(code__in=domains)),
            "teaching_points": f"{points}{DEMO_MARK}",
            "visit_minutes": minutes,
            "capacity": capacity,
            "visit_contact": "市工业和信息化局产业发展科",
        }
        site = sharing.resource_create(
            TeachingSite, user=submitter, owner_code=department.code, data=data
        )
        for to_state, reason, days_ago in MOVES.get(stage, []):
            site = site_change_lifecycle(
                user=curator,
                pk=site.pk,
                to_state=to_state,
                reason=reason,
                effective_on=today - timedelta(days=days_ago),
            )
        if stage == Lifecycle.ADMITTED:
            sharing.resource_publish(TeachingSite, user=curator, pk=site.pk, scope=Scope.NETWORK)
        added["department sites"] += 1
    return added
