"""The demo's joint meeting (联席会议): every partner department with a (fictional) contact
person and its membership, a meeting each quarter over three years with its decisions (most
done, some overdue), and each year's training plan whose items were approved at the first
meeting of the year and link to the demo's classes of that theme (seeds/classes.py).

Idempotent: a second run adds nothing. Bulk inserts; the names and phones are made up
(0757-8xxxxxxx), the departments are the fixture's.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from apps.classes.models import ClassTheme, TrainingClass
from apps.meetings.models import (
    Decision,
    ItemStatus,
    Meeting,
    MeetingStatus,
    Partner,
    PlanItem,
    TrainingPlan,
)
from apps.organizations.models import Organization, OrganizationKind
from apps.taxonomy.models import ThematicDomain

YEARS = (2024, 2025, 2026)
MEETING_TITLE = "佛山市干部教育培训联席会议{year}年第{n}次会议"
QUARTER_DAYS = ((3, 20), (6, 18), (9, 17), (12, 16))  # a Thursday-ish in each quarter's last month
FIRST_MEETING = date(2024, 3, 20)
LATE_JOINERS = {"440600-tsw", "440600-fl", "440600-zgh"}  # joined at the 2025 first meeting
CLASSES_PER_ITEM = 3

SURNAMES = "陈李黄梁何张刘林吴郑谢冯罗邓麦潘区伍杜叶苏曾彭"
GIVEN = [
    "立新",
    "慧敏",
    "志强",
    "嘉欣",
    "伟明",
    "丽华",
    "国栋",
    "晓东",
    "海燕",
    "子健",
    "振华",
    "淑仪",
    "建军",
    "颖",
    "锦辉",
    "美玲",
    "少峰",
    "卓然",
    "文静",
    "家豪",
]
TITLES = [
    "办公室主任",
    "人事科科长",
    "组织人事科副科长",
    "综合科科长",
    "政工科科长",
    "机关党委专职副书记",
]
DISTRICT_PREFIX = {
    "440600": "83",
    "440604": "82",
    "440605": "86",
    "440606": "22",
    "440607": "87",
    "440608": "88",
}

# (theme, title, proposer's code, target trainees, quarter)
ITEMS = [
    ("manufacturing-first", "制造业当家专题班", "440600-gxj", "市、区工业和信息化系统科级干部", 1),
    (
        "smart-manufacturing",
        "数字化智能化转型专题班",
        "440600-gxj",
        "各区经济部门和重点镇街干部",
        2,
    ),
    ("sci-tech-innovation", "科技创新与成果转化专题班", "440600-kjj", "科技系统和园区干部", 2),
    ("finance", "金融赋能实体经济专题班", "440600-jrj", "金融、国资系统干部", 3),
    ("business-environment", "一流营商环境专题班", "440600-zsj", "政务服务和市场监管系统干部", 2),
    ("talent", "人才高地建设专题班", "440600-rsj", "人社系统和各区人才工作干部", 3),
    (
        "rural-revitalisation",
        "乡村振兴专题班",
        "440600-nyncj",
        "镇（街道）分管领导、村（社区）书记",
        4,
    ),
    (
        "grassroots-governance",
        "基层治理现代化专题班",
        "440600-mzj",
        "镇（街道）和村（社区）干部",
        3,
    ),
    ("party-spirit", "党性教育专题班", "440600-zzb", "新提任科级干部", 1),
    ("bay-area", "粤港澳大湾区合作专题班", "440600-swj", "商务、发展改革系统干部", 4),
    ("manufacturing-first", "园区招商与产业链专题班", "440605", "南海区各镇街招商干部", 2),
    ("business-environment", "顺德营商环境改革专题班", "440606", "顺德区各部门和镇街干部", 3),
    ("grassroots-governance", "应急管理与安全生产专题班", "440600-yjglj", "应急管理系统干部", 4),
]
DECLINED = {"顺德营商环境改革专题班"}  # declined in the first year (merged into the city's)

DECISIONS = [
    ("{owner}牵头梳理本系统干部能力短板，报送培训需求清单", 60),
    ("{owner}推荐本系统实践案例和现场教学点，纳入共享资源库", 90),
    ("{owner}遴选行业专家充实兼职教师库", 90),
    ("{owner}配合市委党校开发专题课程", 120),
    ("{owner}报送年度培训计划落实情况", 45),
]


def seed_meetings(users: dict, *, today: date | None = None) -> dict[str, int]:
    """The demo's joint meeting (idempotent); returns what was added."""
    today = today or timezone.localdate()
    added = {"partner departments": 0, "joint meetings": 0, "meeting decisions": 0, "plan items": 0}
    departments = list(
        Organization.objects.filter(kind=OrganizationKind.DEPARTMENT).order_by("path")
    )
    added["partner departments"] = _partners(departments)
    if Meeting.objects.filter(title=MEETING_TITLE.format(year=YEARS[0], n=1)).exists():
        return added
    rng = random.Random(14)
    meetings = _meetings(departments, today, rng, added)
    _plans(meetings, today, rng, added)
    return added


def _partners(departments: list[Organization]) -> int:
    have = set(Partner.objects.values_list("organization_id", flat=True))
    rows = []
    for i, dept in enumerate(departments):
        if dept.pk in have:
            continue
        district = dept.parent.code if dept.parent.kind == OrganizationKind.DISTRICT else "440600"
        city = district == "440600"
        since = date(2025, 3, 20) if (dept.code in LATE_JOINERS or not city) else FIRST_MEETING
        abbr = dept.code.split("-", 1)[1]
        rows.append(
            Partner(
                organization=dept,
                contact_name=SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)],
                contact_title=TITLES[i % len(TITLES)],
                contact_phone=f"0757-{DISTRICT_PREFIX[district]}{(i * 7919) % 1000000:06d}",
                contact_email=f"{abbr}.px@{district}.example.cn",
                member=True,
                member_since=since,
            )
        )
    Partner.objects.bulk_create(rows)
    return len(rows)


def _meetings(departments, today: date, rng: random.Random, added: dict) -> list[Meeting]:
    convenor = Organization.objects.get(code="440600")
    districts = list(Organization.objects.filter(kind=OrganizationKind.DISTRICT).order_by("path"))
    since = dict(Partner.objects.values_list("organization_id", "member_since"))
    meetings = []
    for year in YEARS:
        for n, (month, day) in enumerate(QUARTER_DAYS, start=1):
            held_on = date(year, month, day)
            meetings.append(
                Meeting(
                    convened_by=convenor,
                    held_on=held_on,
                    title=MEETING_TITLE.format(year=year, n=n),
                    status=MeetingStatus.HELD if held_on <= today else MeetingStatus.PLANNED,
                    attendee_names=(
                        "市委组织部分管副部长（召集人）、市委党校分管副校长；"
                        "各成员单位联络人；各区委党校分管副校长"
                    ),
                    minutes=_minutes(year, n) if held_on <= today else "",
                )
            )
    Meeting.objects.bulk_create(meetings)
    added["joint meetings"] = len(meetings)
    through, decisions = [], []
    owners = [d for d in departments if d.parent.kind == OrganizationKind.MUNICIPAL]
    for meeting in meetings:
        present = [d for d in departments if since.get(d.pk) and since[d.pk] <= meeting.held_on]
        if meeting.status == MeetingStatus.HELD:
            # Most members come; two or three send apologies.
            absent = set(rng.sample(range(len(present)), k=min(3, len(present))))
            present = [d for i, d in enumerate(present) if i not in absent]
        else:
            present = []
        for org in [*present, *districts] if meeting.status == MeetingStatus.HELD else []:
            through.append(Meeting.attendees.through(meeting_id=meeting.pk, organization_id=org.pk))
        if meeting.status != MeetingStatus.HELD:
            continue
        for text, days in rng.sample(DECISIONS, k=3):
            owner = rng.choice(owners)
            due = meeting.held_on + timedelta(days=days)
            # Older decisions are done (mostly on time); a few of the last year's are overdue.
            done = None
            if due < today - timedelta(days=120) or (due < today and rng.random() < 0.6):
                done = min(due - timedelta(days=rng.randint(0, 20)), today)
                done = max(done, meeting.held_on)
            decisions.append(
                Decision(
                    meeting=meeting,
                    text=text.format(owner=owner.short_name or owner.name),
                    owner=owner,
                    due_on=due,
                    done_on=done,
                )
            )
    Meeting.attendees.through.objects.bulk_create(through)
    Decision.objects.bulk_create(decisions)
    added["meeting decisions"] = len(decisions)
    return meetings


def _minutes(year: int, n: int) -> str:
    if n == 1:
        return (
            f"一、通报{year - 1}年度干部教育培训计划执行情况。\n"
            f"二、审议{year}年度干部教育培训计划，各成员单位提出的专题班逐项讨论。\n"
            "三、围绕干部能力短板，部署需求调研和资源征集。"
        )
    return (
        "一、通报上次会议议定事项办理情况。\n"
        "二、各成员单位汇报专题班举办和资源共享情况。\n"
        "三、研究下一阶段重点培训任务。"
    )


def _plans(meetings: list[Meeting], today: date, rng: random.Random, added: dict) -> None:
    themes = {t.code: t for t in ClassTheme.objects.all()}
    domains = dict(ThematicDomain.objects.values_list("code", "pk"))
    proposers = {o.code: o for o in Organization.objects.filter(code__in={i[2] for i in ITEMS})}
    first_of = {m.held_on.year: m for m in meetings if m.held_on.month == QUARTER_DAYS[0][0]}
    plans = TrainingPlan.objects.bulk_create(
        [
            TrainingPlan(
                year=year,
                title=f"{year}年度佛山市干部教育培训计划",
                note="由干部教育培训联席会议统筹制定，各成员单位和各级党校分工落实。",
            )
            for year in YEARS
            if not TrainingPlan.objects.filter(year=year).exists()
        ]
    )
    items, item_domains = [], []
    for plan in plans:
        meeting = first_of.get(plan.year)
        decided = meeting is not None and meeting.status == MeetingStatus.HELD
        for theme, title, proposer, target, quarter in ITEMS:
            if title in DECLINED and plan.year != YEARS[0]:
                continue
            status = ItemStatus.PROPOSED
            if decided:
                status = ItemStatus.DECLINED if title in DECLINED else ItemStatus.APPROVED
            items.append(
                PlanItem(
                    plan=plan,
                    title=f"{title}（{plan.year}）",
                    theme=themes.get(theme),
                    proposed_by=proposers[proposer],
                    target_trainees=target,
                    trainee_count=rng.choice([50, 60, 80, 100]),
                    quarter=quarter,
                    status=status,
                    meeting=meeting if decided else None,
                )
            )
    PlanItem.objects.bulk_create(items)
    theme_domain = {
        "manufacturing-first": "industrial-system",
        "smart-manufacturing": "sci-tech",
        "sci-tech-innovation": "sci-tech",
        "finance": "finance",
        "business-environment": "business-environment",
        "talent": "talent",
    }
    links = []
    for item in items:
        theme = item.theme.code if item.theme else None
        if theme in theme_domain and theme_domain[theme] in domains:
            item_domains.append(
                PlanItem.domains.through(
                    planitem_id=item.pk, thematicdomain_id=domains[theme_domain[theme]]
                )
            )
        if item.status != ItemStatus.APPROVED or item.theme is None:
            continue
        classes = TrainingClass.objects.filter(
            theme=item.theme, start_date__year=item.plan.year, start_date__lte=today
        )
        if item.proposed_by.is_school:
            classes = classes.filter(host=item.proposed_by)
        for pk in classes.order_by("start_date", "id").values_list("pk", flat=True)[
            :CLASSES_PER_ITEM
        ]:
            links.append(PlanItem.classes.through(planitem_id=item.pk, trainingclass_id=pk))
    PlanItem.domains.through.objects.bulk_create(item_domains)
    PlanItem.classes.through.objects.bulk_create(links)
    added["plan items"] = len(items)
