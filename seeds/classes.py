"""Training classes for the demo (演示数据): three years of the network's classes at the brief's
scale, and the joint class with 东莞市委党校.

The brief: 2,868 specialised classes and 219,000 trainee-times in three years, 60.3 % of the
specialised classes manufacturing-first (制造业当家). Here: about 2,950 classes in 2024–2026
(about 2,850 held, the rest still to come) hosted by the municipal, district and town schools,
most of them specialised, about 220,000 trainees, and the manufacturing-first themes given to
60.3 % of the specialised classes in date order (so every year, and the held classes of the
current year, come out at 60.3 %).

Each class has a few sessions (two, sometimes up to eight) that teach courses, with lecturers
and sites, the host may use (``policy.usable_q``), in two slots a day; a lecturer teaches one
session at a time and a site takes one visit at a time across every class (what PostgreSQL
enforces). Past classes are finished (archived before this year), current ones running,
future ones planned; some finished classes have evaluation codes and answers.

Rows are written with ``bulk_create`` in batches from a seeded random generator: the same
data every run. A second run adds nothing (the demo's classes carry ``DEMO_MARK`` in their
trainees' units; the joint class is found by its title). Statuses follow the day of the
first run.

Evaluation codes are drawn with ``secrets`` (like ``services.codes_issue``), never from the
seeded generator: the source must not tell anyone a valid code. The generator still decides
how many codes, and the answers.

The joint class (联合办班) goes through ``apps.classes.services`` like a person's would:
hosted by the municipal school (440600) with 东莞市委党校 (441900) as partner, two weeks, ten
lectures and ten site visits, the first week in 佛山 and the second in 东莞, with the Dongguan
school's own lecturers, courses and sites. A joint class may use what a school of another city
has *published* (at any scope, its own included), never its drafts: so 东莞's curator
(``dongguan_curator``) publishes them at its own scope ("private") through
``apps.sharing.services``, after admitting its sites through their lifecycle
(``apps.teaching_sites.services``), since a site of another school must be admitted to be
visited. Each site owner's curator then confirms the visits through ``services.visit_decide``
(audit and notifications written as for a person).
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from apps.classes import policy, services
from apps.classes.models import (
    CadreLevel,
    ClassStatus,
    ClassTheme,
    ClassType,
    Evaluation,
    EvaluationCode,
    Session,
    SessionLecturer,
    SiteVisit,
    TrainingClass,
    VisitStatus,
)
from apps.classes.services import CODE_ALPHABET, CODE_LENGTH, SessionInput
from apps.courses.models import Course
from apps.courses.teaching_group import TeachingGroupMember
from apps.faculty.models import Employment, Lecturer
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing import services as sharing
from apps.sharing.choices import Scope, Status
from apps.taxonomy.models import CourseKind, LecturerKind, SiteCategory, ThematicDomain
from apps.teaching_sites.models import Lifecycle, TeachingSite
from apps.teaching_sites.services import site_change_lifecycle

from .demo import DEMO_MARK, DISTRICT_CURATORS

YEARS = {2024: 945, 2025: 970, 2026: 1035}  # classes per year, the last with some to come
MANUFACTURING_SHARE = 0.603  # of the specialised classes (the brief)
# Class type → (weight, trainees from–to, days from–to)
TYPES = {
    ClassType.SPECIALISED: (0.85, (44, 112), (2, 5)),
    ClassType.MAIN: (0.06, (50, 120), (5, 12)),
    ClassType.SEMINAR: (0.05, (25, 60), (1, 3)),
    ClassType.OTHER: (0.04, (30, 150), (1, 3)),
}
# Who hosts: the municipal school, the five districts, the 32 towns (shares of all classes).
HOST_SHARES = {
    OrganizationKind.MUNICIPAL: 0.14,
    OrganizationKind.DISTRICT: 0.36,
    OrganizationKind.TOWN: 0.50,
}
# Fewer classes around the Spring Festival and in the summer.
MONTH_WEIGHTS = [4, 5, 10, 11, 11, 10, 6, 5, 10, 11, 11, 9]
SLOTS = ((time(9, 0), time(11, 30)), (time(14, 30), time(17, 0)))
EVALUATED_EVERY = 8  # one finished class in eight has codes and answers
BATCH = 1000

TYPE_TITLES = {
    ClassType.SPECIALISED: "{theme}专业化能力提升班（第{n}期）",
    ClassType.MAIN: "{level}进修班（第{n}期）",
    ClassType.SEMINAR: "{theme}专题研讨班（第{n}期）",
    ClassType.OTHER: "{theme}培训班（第{n}期）",
}
THEME_DOMAINS = {
    "manufacturing-first": "industrial-system",
    "smart-manufacturing": "sci-tech",
    "sci-tech-innovation": "sci-tech",
    "finance": "finance",
    "business-environment": "business-environment",
    "talent": "talent",
}
UNITS = {
    OrganizationKind.MUNICIPAL: "市直机关、各区有关单位",
    OrganizationKind.DISTRICT: "区直机关、各镇（街道）",
    OrganizationKind.TOWN: "镇（街道）机关、村（社区）",
}
COMMENTS = [
    "案例贴近实际，很有启发。",
    "希望增加现场交流的时间。",
    "讲解清楚，政策解读到位。",
    "建议课前发放案例材料。",
    "现场教学很有收获。",
    "内容充实，节奏稍快。",
]

JOINT_TITLE = "佛山·东莞制造业当家联合专题班"
JOINT_START = date(2026, 5, 11)  # a Monday: two weeks, the second in 东莞
DONGGUAN = "441900"
DONGGUAN_LECTURERS = [
    ("王建华（东莞）", "party-school-teacher", "中共东莞市委党校", "经济学教研部教授"),
    ("钟志明（东莞）", "manufacturing-official", "东莞市工业和信息化局", "副局长"),
    ("刘晓东（东莞）", "entrepreneur-craftsman", "东莞某智能装备企业", "总经理"),
]
DONGGUAN_SITES = [
    ("松山湖科学城创新平台", "innovation-platform"),
    ("东莞某电子信息智能制造工厂", "lighthouse-factory"),
    ("滨海湾新区先进制造业集聚区", "industrial-park"),
    ("东莞某模具产业集聚区", "enterprise"),
    ("东莞某镇村级工业园改造片区", "industry-upstairs"),
]
DONGGUAN_COURSES = [
    "东莞“科技+制造”的发展路径",
    "东莞村级工业园改造的经验",
    "东莞“专精特新”企业培育",
    "东莞制造业数字化转型实践",
    "莞佛两地产业协作与湾区融合",
]
# Who answers a visit to a site, by the site owner's code (the demo logins).
SITE_DECIDERS = {"440600": "muni_curator", **DISTRICT_CURATORS, DONGGUAN: "dongguan_curator"}
# From a site's lifecycle state to admitted.
TO_ADMITTED = {
    Lifecycle.CANDIDATE: (Lifecycle.ASSESSING, Lifecycle.ADMITTED),
    Lifecycle.ASSESSING: (Lifecycle.ADMITTED,),
    Lifecycle.SUSPENDED: (Lifecycle.ADMITTED,),
    Lifecycle.ADMITTED: (),
}


def _at(day: date, slot: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start, end = SLOTS[slot]
    return datetime.combine(day, start, tzinfo=tz), datetime.combine(day, end, tzinfo=tz)


def _status(start: date, end: date, today: date) -> str:
    if start > today:
        return ClassStatus.PLANNED
    if end >= today:
        return ClassStatus.RUNNING
    return ClassStatus.ARCHIVED if end.year < today.year else ClassStatus.FINISHED


class Busy:
    """Who is taken when: lecturers and sites by (day, slot), including what the database
    already holds (so a second generator, or a second run, never clashes with the first).

    ``lecturers`` and ``sites``: conditions on ``Lecturer`` and ``TeachingSite`` naming the
    ones the generator may use (None: all of them), so only their slots are read."""

    def __init__(self, *, lecturers: Q | None = None, sites: Q | None = None):
        self.lecturers: set[tuple[int, date, int]] = set()
        self.sites: set[tuple[int, date, int]] = set()
        seats = SessionLecturer.objects.all()
        if lecturers is not None:
            seats = seats.filter(lecturer__in=Lecturer.objects.filter(lecturers).values("pk"))
        visits = SiteVisit.objects.exclude(status=VisitStatus.DECLINED)
        if sites is not None:
            visits = visits.filter(site__in=TeachingSite.objects.filter(sites).values("pk"))
        for rows, key, target in (
            (seats, "lecturer_id", self.lecturers),
            (visits, "site_id", self.sites),
        ):
            for pk, starts, ends in rows.values_list(key, "starts_at", "ends_at").iterator(
                chunk_size=BATCH
            ):
                day = timezone.localtime(starts).date()
                for slot in range(len(SLOTS)):
                    begin, finish = _at(day, slot)
                    if starts < finish and ends > begin:
                        target.add((pk, day, slot))


class Pools:
    """What each host may use, read once per host through ``policy.usable_q``."""

    def __init__(self):
        self.by_host: dict[int, tuple[list[int], list[int], list[tuple[int, int]]]] = {}
        self.group: dict[int, list[int]] = defaultdict(list)
        for course_id, lecturer_id in TeachingGroupMember.objects.values_list(
            "course_id", "lecturer_id"
        ).order_by("course_id", "position", "id"):
            self.group[course_id].append(lecturer_id)
        self.site_courses: dict[int, list[int]] = defaultdict(list)
        for course_id, site_id in Course.sites.through.objects.values_list(
            "course_id", "teachingsite_id"
        ).order_by("id"):
            self.site_courses[site_id].append(course_id)

    def of(self, host: Organization):
        if host.pk not in self.by_host:
            usable = policy.usable_q(TrainingClass(host=host), orgs=[host])
            courses = list(
                Course.objects.filter(usable).order_by("id").values_list("id", flat=True)
            )
            lecturers = list(
                Lecturer.objects.filter(usable).order_by("id").values_list("id", flat=True)
            )
            visitable = Q(owner=host) & ~Q(lifecycle=Lifecycle.RETIRED) | Q(
                lifecycle=Lifecycle.ADMITTED
            )
            sites = list(
                TeachingSite.objects.filter(usable)
                .filter(visitable)
                .order_by("id")
                .values_list("id", "capacity")
            )
            self.by_host[host.pk] = (courses, lecturers, sites)
        return self.by_host[host.pk]


def seed_classes(
    users: dict, *, today: date | None = None, years: dict[int, int] = YEARS
) -> dict[str, int]:
    """The demo's classes (idempotent); returns what was added."""
    today = today or timezone.localdate()
    added = {"classes": 0, "sessions": 0, "evaluations": 0}
    joint = _joint_class(users, today, added)
    if not TrainingClass.objects.filter(trainee_units__endswith=DEMO_MARK).exists():
        _network_classes(today, added, years=years, rng=random.Random(2026))
    if joint is not None:
        added["classes"] += 1
    return added


# ---- the network's classes, in bulk -----------------------------------------------------------


def _network_classes(
    today: date, added: dict, *, years: dict[int, int], rng: random.Random
) -> None:
    orgs = list(
        Organization.objects.filter(kind__in=list(HOST_SHARES), path__contains="440600/").order_by(
            "path"
        )
    )
    hosts_by_kind = defaultdict(list)
    for org in orgs:
        hosts_by_kind[org.kind].append(org)
    themes = list(ClassTheme.objects.filter(is_active=True).order_by("position", "id"))
    first = [t for t in themes if t.manufacturing_first]
    other = [t for t in themes if not t.manufacturing_first]
    domains = dict(ThematicDomain.objects.values_list("code", "id"))
    pools, busy = Pools(), Busy()

    plans = []
    for year, count in years.items():
        for _i in range(count):
            kind = rng.choices(list(HOST_SHARES), weights=list(HOST_SHARES.values()))[0]
            host = rng.choice(hosts_by_kind[kind])
            class_type = rng.choices(list(TYPES), weights=[t[0] for t in TYPES.values()])[0]
            _w, trainees, days = TYPES[class_type]
            month = rng.choices(range(1, 13), weights=MONTH_WEIGHTS)[0]
            start = date(year, month, rng.randint(1, 28))
            while start.weekday() >= 5:
                start += timedelta(days=1)
            length = rng.randint(*days)
            plans.append((start, host, class_type, rng.randint(*trainees), length))
    plans.sort(key=lambda p: (p[0], p[1].path))

    classes, links, numbers = [], [], defaultdict(int)
    specialised = 0
    for start, host, class_type, trainees, length in plans:
        if class_type == ClassType.SPECIALISED:
            manufacturing = int((specialised + 1) * MANUFACTURING_SHARE) > int(
                specialised * MANUFACTURING_SHARE
            )
            specialised += 1
            theme = rng.choice(first if manufacturing else other)
        else:
            theme = rng.choice(themes)
        numbers[(host.pk, class_type, start.year)] += 1
        title = TYPE_TITLES[class_type].format(
            theme=theme.name,
            level=rng.choice(["中青年干部", "科级干部", "村（社区）干部"]),
            n=numbers[(host.pk, class_type, start.year)],
        )
        end = start + timedelta(days=length - 1)
        classes.append(
            TrainingClass(
                host=host,
                title=f"{start.year}年{title}",
                class_type=class_type,
                theme=theme,
                start_date=start,
                end_date=end,
                trainee_count=trainees,
                cadre_level=rng.choice(CadreLevel.values),
                trainee_units=f"{UNITS[host.kind]}{DEMO_MARK}",
                venue=host.name,
                status=_status(start, end, today),
            )
        )
        links.append(domains.get(THEME_DOMAINS.get(theme.code, "")))
    TrainingClass.objects.bulk_create(classes, batch_size=BATCH)
    added["classes"] += len(classes)
    TrainingClass.domains.through.objects.bulk_create(
        [
            TrainingClass.domains.through(trainingclass_id=c.pk, thematicdomain_id=d)
            for c, d in zip(classes, links, strict=True)
            if d
        ],
        batch_size=BATCH,
    )
    sessions = _timetables(classes, pools, busy, rng)
    added["sessions"] += len(sessions)
    added["evaluations"] += _evaluations(
        [c for c in classes if c.status in (ClassStatus.FINISHED, ClassStatus.ARCHIVED)],
        sessions,
        rng,
        today,
    )


def _timetables(classes, pools: Pools, busy: Busy, rng: random.Random) -> list[Session]:
    """A few sessions per class, no lecturer or site in two places at once."""
    sessions, seats, visits = [], [], []
    for cls in classes:
        courses, lecturers, sites = pools.of(cls.host)
        if not courses or not lecturers:
            continue
        days = (cls.end_date - cls.start_date).days + 1
        wanted = rng.choices([2, 3, 4, 6, 8], weights=[55, 20, 12, 8, 5])[0]
        slots = [(d, s) for d in range(days) for s in range(len(SLOTS))][:wanted]
        visit_at = len(slots) - 1 if sites and len(slots) > 1 and rng.random() < 0.35 else None
        for index, (offset, slot) in enumerate(slots):
            day = cls.start_date + timedelta(days=offset)
            site = None
            course = rng.choice(courses)
            if index == visit_at:
                free = [s for s in sites if (s[0], day, slot) not in busy.sites]
                if free:
                    site = rng.choice(free)
                    taught_there = [c for c in pools.site_courses[site[0]] if c in courses]
                    if taught_there:
                        course = rng.choice(taught_there)
            group = [x for x in pools.group.get(course, []) if x in lecturers]
            candidates = [*group, *rng.sample(lecturers, min(6, len(lecturers)))]
            want = 2 if group and rng.random() < 0.25 else 1  # sometimes "1+N" in the room
            chosen = []
            for lecturer in candidates:
                if (lecturer, day, slot) not in busy.lecturers and lecturer not in chosen:
                    chosen.append(lecturer)
                    if len(chosen) == want:
                        break
            if not chosen:
                continue
            starts, ends = _at(day, slot)
            session = Session(
                training_class=cls,
                starts_at=starts,
                ends_at=ends,
                course_id=course,
                course_version=1,
                note="现场教学" if site else "",
            )
            sessions.append(session)
            for lecturer in chosen:
                busy.lecturers.add((lecturer, day, slot))
                seats.append((session, lecturer))
            if site:
                busy.sites.add((site[0], day, slot))
                visits.append((session, site, cls))
    versions = dict(Course.objects.values_list("id", "version"))
    for session in sessions:
        session.course_version = versions[session.course_id]
    Session.objects.bulk_create(sessions, batch_size=BATCH)
    SessionLecturer.objects.bulk_create(
        [
            SessionLecturer(
                session=s, lecturer_id=lecturer, starts_at=s.starts_at, ends_at=s.ends_at
            )
            for s, lecturer in seats
        ],
        batch_size=BATCH,
    )
    now = timezone.now()
    rows = []
    for session, (site_id, capacity), cls in visits:
        past = session.starts_at < now
        status = VisitStatus.CONFIRMED if past or rng.random() < 0.5 else VisitStatus.REQUESTED
        rows.append(
            SiteVisit(
                session=session,
                site_id=site_id,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                visitors=min(cls.trainee_count, capacity or cls.trainee_count),
                status=status,
                decided_at=session.starts_at - timedelta(days=7)
                if status == VisitStatus.CONFIRMED
                else None,
            )
        )
    SiteVisit.objects.bulk_create(rows, batch_size=BATCH)
    return sessions


def _codes(n: int, taken: set[str]) -> list[str]:
    """``n`` new evaluation codes, none in ``taken`` (which they join): drawn with ``secrets``,
    so that no one can work a valid code out of this file and its seed."""
    codes = []
    while len(codes) < n:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def _evaluations(classes, sessions, rng: random.Random, today: date) -> int:
    """Codes and answers for one finished class in ``EVALUATED_EVERY``."""
    by_class = defaultdict(list)
    for session in sessions:
        by_class[session.training_class_id].append(session)
    taken = set(EvaluationCode.objects.values_list("code", flat=True))
    codes, answered = [], []
    for cls in classes[::EVALUATED_EVERY]:
        if not by_class.get(cls.pk):
            continue
        for code in _codes(min(cls.trainee_count, 30), taken):
            row = EvaluationCode(training_class=cls, code=code)
            codes.append(row)
            answered.append((row, by_class[cls.pk]))
    EvaluationCode.objects.bulk_create(codes, batch_size=BATCH)
    answers = []
    for code, class_sessions in answered:
        for session in class_sessions:
            if rng.random() < 0.6:
                answers.append(_answer(code, session, rng))
    Evaluation.objects.bulk_create(answers, batch_size=BATCH)
    return len(answers)


def _answer(code, session, rng: random.Random) -> Evaluation:
    return Evaluation(
        session=session,
        code=code,
        content=rng.choices([5, 4, 3, 2], weights=[55, 33, 10, 2])[0],
        delivery=rng.choices([5, 4, 3, 2], weights=[50, 36, 11, 3])[0],
        comment=rng.choice(COMMENTS) if rng.random() < 0.15 else "",
    )


# ---- the joint class with 东莞, through the services ------------------------------------------


def _dongguan_resources(users: dict) -> tuple[list[Lecturer], list[TeachingSite], list[Course]]:
    """The Dongguan school's lecturers, sites and courses, written by its teacher and published
    at its own scope by its curator, each site admitted first (idempotent: what is published
    already stays as it is; a draft of an earlier demo is completed, then published)."""
    teacher, curator = users["dongguan_teacher"], users["dongguan_curator"]
    dongguan = Organization.objects.get(code=DONGGUAN)

    def made(model, title, data):
        found = model.objects.filter(owner=dongguan, title=title, source=None).first()
        if found is None:
            found = sharing.resource_create(
                model, user=teacher, owner_code=DONGGUAN, data={"title": title, **data}
            )
        elif found.status in (Status.REJECTED, Status.WITHDRAWN) or (
            found.status == Status.DRAFT and found.missing_for_submission()
        ):
            found = sharing.resource_update(model, user=curator, pk=found.pk, data=data)
        if model is TeachingSite:
            for state in TO_ADMITTED.get(found.lifecycle, ()):
                found = site_change_lifecycle(
                    user=curator,
                    pk=found.pk,
                    to_state=state,
                    reason="演示：联合专题班现场教学点，评估后纳入",
                )
        if found.status != Status.PUBLISHED:
            found = sharing.resource_publish(model, user=curator, pk=found.pk, scope=Scope.PRIVATE)
        return found

    domains = list(ThematicDomain.objects.filter(code="industrial-system"))
    lecturers = [
        made(
            Lecturer,
            name,
            {
                "kind": LecturerKind.objects.filter(code=kind).first(),
                "employer": employer,
                "position": position,
                "employment": Employment.PART_TIME,
                "biography": f"{employer}{position}。{DEMO_MARK}",
                "domains": domains,
            },
        )
        for name, kind, employer, position in DONGGUAN_LECTURERS
    ]
    sites = [
        made(
            TeachingSite,
            name,
            {
                "category": SiteCategory.objects.filter(code=category).first(),
                "host_organization": name,
                "address": "广东省东莞市",
                # 东莞 has no districts in this network's tree: the site lies in the school's city.
                "district": dongguan,
                "teaching_points": f"了解{name}的发展历程与经验。{DEMO_MARK}",
                "visit_minutes": 120,
                "capacity": 60,
                "domains": domains,
            },
        )
        for name, category in DONGGUAN_SITES
    ]
    kind = CourseKind.objects.filter(code="case-teaching").first()
    courses = [
        made(
            Course,
            title,
            {
                "summary": f"东莞市委党校为联合专题班开设的课程。{DEMO_MARK}",
                "outline": "一、背景与做法\n二、典型案例\n三、莞佛比较与研讨",
                "target_audience": "佛山、东莞两市镇（街道）分管工业的领导干部",
                "kind": kind,
                "class_hours": Decimal("3"),
                "domains": domains,
            },
        )
        for title in DONGGUAN_COURSES
    ]
    return lecturers, sites, courses


def _joint_class(users: dict, today: date, added: dict) -> TrainingClass | None:
    """The two-week joint class with 东莞市委党校; None when it exists already."""
    dg_lecturers, dg_sites, dg_courses = _dongguan_resources(users)
    if TrainingClass.objects.filter(title=JOINT_TITLE, host__code="440600").exists():
        return None
    host = Organization.objects.get(code="440600")
    partner = Organization.objects.get(code=DONGGUAN)
    theme = ClassTheme.objects.filter(code="manufacturing-first").first()
    days = [JOINT_START + timedelta(days=n) for n in range(14)]
    days = [d for d in days if d.weekday() < 5]  # ten teaching days
    cls = services.class_create(
        user=users["muni_teacher"],
        host=host,
        data={
            "title": JOINT_TITLE,
            "class_type": ClassType.SPECIALISED,
            "theme": theme,
            "start_date": days[0],
            "end_date": days[-1],
            "trainee_count": 50,
            "cadre_level": CadreLevel.SECTION,
            "trainee_units": "佛山、东莞两市镇（街道）分管工业的领导干部",
            "venue": "佛山（中共佛山市委党校）/ 东莞（中共东莞市委党校）",
            "partners": [partner],
            "domains": list(ThematicDomain.objects.filter(code="industrial-system")),
        },
    )
    pools = Pools()
    fs_courses, fs_lecturers, fs_sites = pools.of(host)
    busy = Busy()
    # Sites big enough for the class whose owner has a demo curator to answer the visit.
    owners = dict(
        TeachingSite.objects.filter(pk__in=[s for s, _c in fs_sites]).values_list(
            "id", "owner__code"
        )
    )
    fs_sites = [
        s for s, capacity in fs_sites if (capacity or 0) >= 50 and owners[s] in SITE_DECIDERS
    ]
    for n, day in enumerate(days):
        foshan = n < 5
        where = "佛山" if foshan else "东莞"
        for slot in range(len(SLOTS)):
            starts, ends = _at(day, slot)
            if foshan:
                course = fs_courses[(n * 7 + slot) % len(fs_courses)]
                lecturer = next(x for x in fs_lecturers if (x, day, slot) not in busy.lecturers)
                site = (
                    next(x for x in fs_sites if (x, day, slot) not in busy.sites) if slot else None
                )
            else:
                course = dg_courses[n - 5].pk
                lecturer = dg_lecturers[(n + slot) % len(dg_lecturers)].pk
                site = dg_sites[n - 5].pk if slot else None
            services.session_add(
                user=users["muni_teacher"],
                class_pk=cls.pk,
                data=SessionInput(
                    starts_at=starts,
                    ends_at=ends,
                    course=course,
                    lecturers=[lecturer],
                    site=site,
                    visitors=50 if site else None,
                    note=f"地点：{where}" + ("（现场教学）" if site else ""),
                ),
            )
            added["sessions"] += 1
    _confirm_visits(users, cls)
    reached = _status(cls.start_date, cls.end_date, today)
    for status in (ClassStatus.RUNNING, ClassStatus.FINISHED):
        if reached == ClassStatus.PLANNED or (
            status == ClassStatus.FINISHED and reached == ClassStatus.RUNNING
        ):
            break
        cls = services.class_move(user=users["muni_curator"], pk=cls.pk, status=status)
    if cls.status == ClassStatus.FINISHED:
        rng = random.Random(441900)
        taken = set(EvaluationCode.objects.values_list("code", flat=True))
        codes = EvaluationCode.objects.bulk_create(
            EvaluationCode(training_class=cls, code=code) for code in _codes(50, taken)
        )
        sessions = list(cls.sessions.all())
        answers = [_answer(c, s, rng) for c in codes for s in sessions if rng.random() < 0.7]
        Evaluation.objects.bulk_create(answers, batch_size=BATCH)
        added["evaluations"] += len(answers)
    return cls


def _confirm_visits(users: dict, cls: TrainingClass) -> None:
    """Each site owner's curator confirms the class's visits, as they would on their page."""
    visits = SiteVisit.objects.filter(
        session__training_class=cls, status=VisitStatus.REQUESTED
    ).select_related("site__owner")
    for visit in visits.order_by("starts_at"):
        services.visit_decide(
            user=users[SITE_DECIDERS[visit.site.owner.code]], pk=visit.pk, confirm=True
        )
