"""Loads the four-library demo set through the same services people use (idempotent)."""

import random
from decimal import Decimal

from apps.cases.models import Case
from apps.courses.models import Course, GroupRole
from apps.faculty.models import Employment, Lecturer
from apps.organizations.models import Organization
from apps.sharing import services
from apps.sharing.choices import Status
from apps.sharing.models import ReuseRecord
from apps.taxonomy.models import (
    CourseKind,
    LecturerKind,
    SiteCategory,
    TeachingMethod,
    ThematicDomain,
)
from apps.teaching_sites.models import TeachingSite
from apps.teaching_sites.services import site_change_lifecycle

from . import demo_libraries as data
from .demo import DEMO_MARK, DISTRICT_CURATORS


class LibraryLoader:
    def __init__(self, users: dict):
        self.users = users
        self.rng = random.Random(2026)
        self.added = {"lecturers": 0, "cases": 0, "sites": 0, "courses": 0, "reuses": 0}
        self.domains = {d.code: d for d in ThematicDomain.objects.all()}

    def run(self) -> dict:
        self._name_demo_categories()
        lecturers = self._lecturers()
        cases = self._cases()
        sites = self._sites(lecturers)
        self._courses(lecturers, cases, sites)
        self._reuses()
        return self.added

    # ---- helpers -------------------------------------------------------------------------

    def _existing(self, model, owner_code: str, title: str):
        return model.objects.filter(owner__code=owner_code, title=title).first()

    def _make(self, model, key: str, *, author: str, owner: str, data: dict, flow: list):
        """Create ``data`` as ``author`` unless it exists, then walk it through ``flow``."""
        existing = self._existing(model, owner, data["title"])
        if existing:
            return existing
        obj = services.resource_create(model, user=self.users[author], owner_code=owner, data=data)
        for step in flow:
            verb, arg, who = step
            user = self.users[who]
            if verb == "submit":
                services.resource_submit(model, user=user, pk=obj.pk, scope=arg)
            elif verb == "publish":
                services.resource_publish(model, user=user, pk=obj.pk, scope=arg)
            elif verb == "reject":
                services.resource_reject(model, user=user, pk=obj.pk, reason=arg)
            elif verb == "lifecycle":
                site_change_lifecycle(user=user, pk=obj.pk, to_state=arg, reason="演示：评估记录")
        self.added[key] += 1
        return model.objects.get(pk=obj.pk)

    def _name(self) -> str:
        return self.rng.choice(data.SURNAMES) + self.rng.choice(data.GIVEN)

    def _name_demo_categories(self) -> None:
        for code, (name, name_en) in data.DEMO_CATEGORY_NAMES.items():
            SiteCategory.objects.filter(code=code, name__endswith="（待命名）").update(
                name=name, name_en=name_en, is_active=True
            )

    # ---- libraries ----------------------------------------------------------------------

    def _lecturers(self) -> dict[str, list[Lecturer]]:
        by_kind: dict[str, list[Lecturer]] = {}
        domain_codes = list(self.domains)
        for kind_code, (employers, positions, titles, full_time) in data.LECTURER_KINDS.items():
            kind = LecturerKind.objects.get(code=kind_code)
            for i in range(data.LECTURERS_PER_KIND):
                employer = employers[i % len(employers)]
                owner, author = "440600", "muni_curator"
                if kind_code == "party-school-teacher" and "区委党校" in employer:
                    owner = "440606" if "顺德" in employer else "440605"
                    author = DISTRICT_CURATORS[owner]
                name = f"{self._name()}（{kind.name[:2]}{i + 1}）"
                flow = [("publish", "network", "muni_curator")]
                if owner != "440600":
                    flow = [("publish", "district", author), ("publish", "network", "muni_curator")]
                if i == data.LECTURERS_PER_KIND - 1:
                    flow = []  # one draft per kind, still being written up
                lecturer = self._make(
                    Lecturer,
                    "lecturers",
                    author=author,
                    owner=owner,
                    flow=flow,
                    data={
                        "title": name,
                        "kind": kind,
                        "employer": employer,
                        "position": positions[i % len(positions)],
                        "professional_title": titles[i % len(titles)],
                        "employment": Employment.FULL_TIME if full_time else Employment.PART_TIME,
                        "domains": [self.domains[domain_codes[(i + len(name)) % 5]]],
                        "biography": f"{employer}{positions[i % len(positions)]}，"
                        f"长期从事相关领域研究与实践。{DEMO_MARK}",
                        "contact": {
                            "phone": f"1380000{len(by_kind) * 100 + i:04d}",
                            "email": f"demo{len(by_kind)}{i}@example.com",
                        },
                    },
                )
                by_kind.setdefault(kind_code, []).append(lecturer)
        return by_kind

    def _cases(self) -> list[Case]:
        cases = []
        for t, (topic, domain, industry, dept) in enumerate(data.CASE_TOPICS):
            for p, town_code in enumerate(data.CASE_TOWNS):
                town = Organization.objects.get(code=town_code)
                title = f"{town.short_name.removesuffix('党校')}{topic}"
                content = {
                    "title": title,
                    "background": f"{town.short_name.removesuffix('党校')}在推进{topic}中的"
                    f"主要做法、遇到的困难和取得的成效。{DEMO_MARK}",
                    "key_issues": "政府与市场的边界；各方利益如何协调；改革成果如何巩固。",
                    "teaching_notes": "适用于镇街领导干部专题班，建议 3 课时，课前发放案例。",
                    "discussion_questions": (
                        "1. 关键决策点在哪里？\n2. 如果你是镇街主要负责人会怎么做？"
                    ),
                    "domains": [self.domains[domain]],
                    "industry": industry,
                    "place": town,
                    "year": 2020 + (t + p) % 5,
                }
                if dept and p % 2 == 0:
                    owner = dept
                    author = dept.split("-")[1] + "_submitter"
                    content["contributing_department"] = Organization.objects.get(code=dept)
                    flow = []  # created and submitted in one step (Case.submit_on_create)
                    if (t + p) % 7 == 3:
                        flow.append(("reject", "请补充改革前后的数据对比。", "muni_curator"))
                    elif (t + p) % 7 != 5:
                        flow.append(("publish", "network", "muni_curator"))
                else:
                    owner = town.parent.code
                    author = DISTRICT_CURATORS[owner]
                    flow = [("publish", "district", author)]
                    if p % 2:
                        flow.append(("publish", "network", "muni_curator"))
                cases.append(
                    self._make(Case, "cases", author=author, owner=owner, data=content, flow=flow)
                )
        return cases

    def _sites(self, lecturers) -> list[TeachingSite]:
        sites = []
        onsite = lecturers["entrepreneur-craftsman"] + lecturers["manufacturing-official"]
        for i, (category, name, district, town) in enumerate(data.SITES):
            owner, author = (
                ("440600", "muni_curator") if i % 3 else (district, DISTRICT_CURATORS[district])
            )
            publish = ("publish", "network" if owner == "440600" else "district", author)
            flow = []
            for state in data.SITE_LIFECYCLES.get(i, ["assessing", "admitted"]):
                if state == "suspended":
                    flow.append(publish)  # published first, then suspended: kept, not reusable
                flow.append(("lifecycle", state, author))
            if flow and flow[-1][1] == "admitted":
                flow.append(publish)
            district_org = Organization.objects.get(code=district)
            town_org = Organization.objects.get(code=town)
            place = town_org.short_name.removesuffix("党校")
            sites.append(
                self._make(
                    TeachingSite,
                    "sites",
                    author=author,
                    owner=owner,
                    flow=flow,
                    data={
                        "title": name,
                        "category": SiteCategory.objects.get(code=category),
                        "host_organization": name,
                        "address": f"佛山市{district_org.name[6:9]}{place}",
                        "district": district_org,
                        "town": town_org,
                        "latitude": Decimal("22.90") + Decimal(i) / 100,
                        "longitude": Decimal("113.00") + Decimal(i % 10) / 50,
                        "teaching_points": f"现场了解{name}的建设历程、主要成效与经验。{DEMO_MARK}",
                        "domains": [self.domains[list(self.domains)[i % 5]]],
                        "visit_minutes": 60 + (i % 3) * 30,
                        "capacity": 40 + (i % 4) * 10,
                        "lecturers": [onsite[i % len(onsite)]]
                        if onsite[i % len(onsite)].status == Status.PUBLISHED
                        else [],
                        "visit_contact": "综合办公室（演示）",
                    },
                )
            )
        return sites

    def _courses(self, lecturers, cases, sites) -> None:
        kind = CourseKind.objects.get(code="case-teaching")
        methods = list(
            TeachingMethod.objects.filter(
                code__in=["industry-map", "after-class-review", "mind-map"]
            )
        )
        leads = [
            x
            for x in lecturers["appointed-professor"] + lecturers["research-expert"]
            if x.status == Status.PUBLISHED
        ]
        teachers = [x for x in lecturers["party-school-teacher"] if x.status == Status.PUBLISHED]
        officials = [x for x in lecturers["manufacturing-official"] if x.status == Status.PUBLISHED]
        published_sites = [s for s in sites if s.status == Status.PUBLISHED]
        for n in range(62):
            case = cases[n % len(cases)]
            angle = data.COURSE_ANGLES[n // len(cases)]
            municipal = n < 40
            owner = "440600" if municipal else case.place.parent.code
            author = "muni_curator" if municipal else DISTRICT_CURATORS[owner]
            group = [
                {
                    "lecturer": leads[n % len(leads)],
                    "role": GroupRole.LEAD_EXPERT,
                    "duty": "理论阐释",
                },
                {
                    "lecturer": teachers[n % len(teachers)],
                    "role": GroupRole.PARTY_SCHOOL_TEACHER,
                    "duty": "案例引导与研讨组织",
                },
            ]
            if n % 3 == 0:
                group.append(
                    {
                        "lecturer": officials[n % len(officials)],
                        "role": GroupRole.OFFICIAL,
                        "duty": "政策解读",
                    }
                )
            visible_case = case.status == Status.PUBLISHED and case.scope == "network"
            flow = (
                [("publish", "network", "muni_curator")]
                if municipal
                else [("publish", "district", author)]
            )
            self._make(
                Course,
                "courses",
                author=author,
                owner=owner,
                flow=flow,
                data={
                    "title": f"{case.title}{angle}",
                    "summary": f"以“{case.title}”为案例，采用“1+N”联组授课。{DEMO_MARK}",
                    "outline": "一、案例呈现\n二、分组研讨\n三、专家点评\n四、课后复盘",
                    "kind": kind,
                    "class_hours": Decimal("3"),
                    "target_audience": "区、镇（街道）领导干部",
                    "domains": list(case.domains.all()),
                    "methods": methods[: 1 + n % 3],
                    "cases": [case] if visible_case or not municipal else [],
                    "sites": [published_sites[n % len(published_sites)]] if published_sites else [],
                    "teaching_group": group,
                },
            )

    def _reuses(self) -> None:
        plan = [
            (Course, "zumiao_teacher", "440604010", 4),
            (Course, "guicheng_teacher", "440605011", 3),
            (Case, "zumiao_teacher", "440604010", 2),
            (TeachingSite, "chancheng_teacher", "440604", 2),
            (Lecturer, "guicheng_teacher", "440605011", 1),
        ]
        for model, username, code, count in plan:
            candidates = (
                model.objects.filter(status=Status.PUBLISHED, scope="network", source__isnull=True)
                .filter(model.reusable_q())
                .order_by("id")[:count]
            )
            for source in candidates:
                done = ReuseRecord.objects.filter(
                    content_type__model=model._meta.model_name,
                    source_id=source.pk,
                    organization__code=code,
                ).exists()
                if not done:
                    services.resource_reuse(
                        model, user=self.users[username], pk=source.pk, target_code=code
                    )
                    self.added["reuses"] += 1
