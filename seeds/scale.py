"""Province-size data for measuring the platform (``manage.py seed_scale``).

The tree: the Guangdong provincial party school above Foshan's network (the fixtures) and
up to twenty more cities, each with district and town schools and partner departments.
The resources: the four libraries in the proportions a real network has, with Chinese
titles and text, every status and scope, reuse copies with their records and counts, and
the search columns filled exactly as ``save()`` fills them.

Speed: rows are written with PostgreSQL's ``COPY`` (``bulk_create`` elsewhere), ids are
assigned here so copies can point at their sources in the same pass, and the search
tokens of each pool entry are computed once (``seeds.scale_text``). A large load drops
each library's full-text index first and builds it again at the end, which is several
times faster than updating a GIN index row by row. Everything happens in one
transaction: an interrupted run leaves the database as it was.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F, Max, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.cases.models import Case
from apps.courses.models import Course
from apps.faculty.models import Employment, Lecturer
from apps.organizations.models import Organization, OrganizationKind
from apps.search.operations import search_index
from apps.search.tokens import document_tokens, join_tokens
from apps.sharing.choices import Scope, Status
from apps.sharing.content_version import content_changed
from apps.sharing.models import ReuseRecord
from apps.taxonomy.models import (
    CourseKind,
    LecturerKind,
    SiteCategory,
    TeachingMethod,
    ThematicDomain,
)
from apps.teaching_sites.models import Lifecycle, TeachingSite

from . import scale_text as text

PROVINCE_CODE = "440000"
PROVINCE_NAME = "中共广东省委党校"
FOSHAN_CODE = "440600"
AUTHOR_PREFIX = "seed-"  # one author account per organisation: seed-<code>, no password

# Share of each library in the generated resources.
LIBRARY_SHARES = (("courses", 0.35), ("lecturers", 0.25), ("cases", 0.25), ("sites", 0.15))
# How a network's resources are spread over the workflow: schools keep drafts; a partner
# department's case starts pending (create = submit) and is decided by the municipal school.
SCHOOL_STATUS_SHARES = {
    Status.PUBLISHED: 0.70,
    Status.DRAFT: 0.15,
    Status.PENDING: 0.07,
    Status.REJECTED: 0.03,
    Status.WITHDRAWN: 0.05,
}
DEPARTMENT_STATUS_SHARES = {
    Status.PUBLISHED: 0.60,
    Status.PENDING: 0.25,
    Status.REJECTED: 0.10,
    Status.WITHDRAWN: 0.05,
}
COPY_SHARE = 0.04  # resources that are reuse copies of another school's published resource
GIN_REBUILD_AT = 20_000  # above this many new rows, drop and rebuild the full-text index
CHUNK = 20_000

Progress = Callable[[str], None]


# ---- search columns, computed once per pool entry ---------------------------------------------


@cache
def _tokens(value: str) -> tuple[str, ...]:
    return tuple(document_tokens(value))


def index_of(*texts: str) -> str:
    """``apps.search.tokens.index_text`` with each text's tokens remembered."""
    return join_tokens(token for value in texts for token in _tokens(value))


# ---- the tree ---------------------------------------------------------------------------------


@dataclass
class Org:
    id: int
    code: str
    kind: str
    path: str
    name: str
    city_id: int | None = None  # the municipal school above (itself for a municipal school)
    district_id: int | None = None  # the district school above (itself for a district)
    author_id: int | None = None


@dataclass
class Tree:
    orgs: list[Org]
    by_kind: dict[str, list[Org]] = field(default_factory=dict)
    districts_of_city: dict[int, list[Org]] = field(default_factory=dict)

    def __post_init__(self):
        for org in self.orgs:
            self.by_kind.setdefault(org.kind, []).append(org)
            if org.kind == OrganizationKind.DISTRICT:
                self.districts_of_city.setdefault(org.city_id, []).append(org)


def _place_names() -> list[str]:
    return [a + b for a in text.PLACE_FIRST for b in text.PLACE_SECOND if a != b]


def _new_org(code, name, short, kind, parent: Organization | None) -> Organization:
    path = f"{parent.path if parent else ''}{code}/"
    return Organization(
        code=code,
        name=name,
        short_name=short,
        kind=kind,
        parent=parent,
        path=path,
        depth=(parent.depth + 1) if parent else 0,
    )


def attach_foshan() -> None:
    """Hang Foshan's network (the fixtures) under the province, if there is one.

    ``seed_demo`` reloads the fixtures, which puts Foshan back at the root; it calls this
    afterwards so that a scale database stays one tree.
    """
    province = Organization.objects.filter(code=PROVINCE_CODE).first()
    foshan = Organization.objects.filter(code=FOSHAN_CODE, parent__isnull=True).first()
    if province is None or foshan is None:
        return
    with transaction.atomic():
        Organization.objects.filter(path__startswith=foshan.path).update(
            path=Concat(Value(province.path), F("path")), depth=F("depth") + 1
        )
        Organization.objects.filter(pk=foshan.pk).update(parent=province)
        content_changed()  # update() sends no signal; cached lists show the tree


def build_tree(schools: int, *, rng: random.Random, progress: Progress) -> int:
    """Create the province, its cities, districts, towns and departments (once); return added."""
    province = Organization.objects.filter(code=PROVINCE_CODE).first()
    added = 0
    if province is None:
        province = _new_org(
            PROVINCE_CODE, PROVINCE_NAME, "省委党校", OrganizationKind.PROVINCE, parent=None
        )
        province.save()
        added = 1
    attach_foshan()
    if Organization.objects.filter(parent=province).exclude(code=FOSHAN_CODE).exists():
        return added  # the cities were built by an earlier run
    existing = Organization.objects.filter(kind__in=_SCHOOL_KINDS).count()
    remaining = max(0, schools - existing)
    if remaining == 0:
        return added
    # A city whose code is taken already (the demo's external school 东莞, 441900) is skipped.
    taken = set(
        Organization.objects.values_list("code", flat=True).filter(
            code__in=[code for code, _name in text.CITIES]
        )
    )
    free = [(code, name) for code, name in text.CITIES if code not in taken]
    n_cities = max(1, min(len(free), remaining // 40))
    per_city = remaining // n_cities
    n_districts = max(1, min(9, per_city // 8))
    n_towns = max(0, (per_city - 1 - n_districts) // n_districts)
    places = _place_names()
    rng.shuffle(places)
    place_iter = iter(places * (1 + (n_cities * n_districts * (n_towns + 1)) // len(places)))

    MUNICIPAL = OrganizationKind.MUNICIPAL
    cities = Organization.objects.bulk_create(
        _new_org(code, f"中共{name}市委党校", f"{name}市委党校", MUNICIPAL, province)
        for code, name in free[:n_cities]
    )
    districts, departments = [], []
    for city, (_code, city_name) in zip(cities, free, strict=False):
        for i in range(n_districts):
            place = next(place_iter)
            districts.append(
                _new_org(
                    f"{city.code[:4]}{i + 1:02d}",
                    f"中共{city_name}市{place}区委党校",
                    f"{place}区委党校",
                    OrganizationKind.DISTRICT,
                    city,
                )
            )
        for abbr, name in text.DEPARTMENTS:
            departments.append(
                _new_org(
                    f"{city.code}-{abbr}",
                    f"{city_name}市{name}",
                    f"市{name}",
                    OrganizationKind.DEPARTMENT,
                    city,
                )
            )
    districts = Organization.objects.bulk_create(districts)
    Organization.objects.bulk_create(departments)
    towns = []
    for district in districts:
        for i in range(n_towns):
            place = next(place_iter)
            suffix = "街道" if i % 3 == 0 else "镇"
            towns.append(
                _new_org(
                    f"{district.code}{i + 1:03d}",
                    f"{place}{suffix}党校",
                    f"{place}{suffix}党校",
                    OrganizationKind.TOWN,
                    district,
                )
            )
    Organization.objects.bulk_create(towns, batch_size=2000)
    added += len(cities) + len(districts) + len(departments) + len(towns)
    progress(
        f"tree: 1 province, {len(cities)} more cities, {len(districts)} districts, "
        f"{len(towns)} towns, {len(departments)} departments"
    )
    return added


_SCHOOL_KINDS = (
    OrganizationKind.PROVINCE,
    OrganizationKind.MUNICIPAL,
    OrganizationKind.DISTRICT,
    OrganizationKind.TOWN,
)


def load_tree() -> Tree:
    rows = list(Organization.objects.order_by("path").values("id", "code", "kind", "path", "name"))
    by_code = {r["code"]: r for r in rows}
    orgs = []
    for r in rows:
        lineage = [by_code[c] for c in r["path"].split("/") if c]
        city = next((o for o in lineage if o["kind"] == OrganizationKind.MUNICIPAL), None)
        district = next((o for o in lineage if o["kind"] == OrganizationKind.DISTRICT), None)
        orgs.append(
            Org(
                r["id"],
                r["code"],
                r["kind"],
                r["path"],
                r["name"],
                city_id=city["id"] if city else None,
                district_id=district["id"] if district else None,
            )
        )
    return Tree(orgs)


def ensure_authors(tree: Tree) -> int:
    """One author account per organisation (``seed-<code>``): curator, or submitter."""
    usernames = {f"{AUTHOR_PREFIX}{o.code}": o for o in tree.orgs}
    have = dict(User.objects.filter(username__in=usernames).values_list("username", "id"))
    missing = [name for name in usernames if name not in have]
    if missing:
        User.objects.bulk_create(
            [User(username=name, password="!", display_name=name) for name in missing],
            batch_size=2000,
        )
        have = dict(User.objects.filter(username__in=usernames).values_list("username", "id"))
        Membership.objects.bulk_create(
            [
                Membership(
                    user_id=have[name],
                    organization_id=usernames[name].id,
                    role=Role.SUBMITTER
                    if usernames[name].kind == OrganizationKind.DEPARTMENT
                    else Role.CURATOR,
                )
                for name in missing
            ],
            batch_size=2000,
        )
    for name, org in usernames.items():
        org.author_id = have[name]
    return len(missing)


# ---- rows -------------------------------------------------------------------------------------


@dataclass
class Vocab:
    domains: list[tuple[int, str]]  # (id, code)
    course_kinds: list[int]
    methods: list[int]
    lecturer_kinds: list[int]
    site_categories: list[int]

    @classmethod
    def load(cls) -> Vocab:
        return cls(
            domains=list(ThematicDomain.objects.values_list("id", "code")),
            course_kinds=list(CourseKind.objects.values_list("id", flat=True)),
            methods=list(TeachingMethod.objects.values_list("id", flat=True)),
            lecturer_kinds=list(LecturerKind.objects.values_list("id", flat=True)),
            site_categories=list(SiteCategory.objects.values_list("id", flat=True)),
        )


class Generator:
    """Makes the rows of one library: common sharing columns plus the library's own."""

    def __init__(self, key, model, tree: Tree, vocab: Vocab, rng: random.Random, places):
        self.key, self.model, self.tree, self.vocab, self.rng = key, model, tree, vocab, rng
        self.places = places
        self.city_names = [name for _code, name in text.CITIES] + ["佛山"]
        self.now = timezone.now()
        self.columns = [f.attname for f in model._meta.concrete_fields]
        self.defaults = {
            f.attname: f.get_default() for f in model._meta.concrete_fields if f.attname != "id"
        }
        self.reservoir: dict[int, list[dict]] = {}  # city id → published network rows
        self.domain_links: list[tuple[int, int]] = []
        self.method_links: list[tuple[int, int]] = []
        self.reuses: list[dict] = []
        schools = [o for o in tree.orgs if o.kind != OrganizationKind.DEPARTMENT]
        towns = tree.by_kind.get(OrganizationKind.TOWN, [])
        districts = tree.by_kind.get(OrganizationKind.DISTRICT, [])
        cities = tree.by_kind.get(OrganizationKind.MUNICIPAL, [])
        province = tree.by_kind.get(OrganizationKind.PROVINCE, [])
        # Who writes: towns are many and small, the municipal and district schools prolific.
        self.owner_pools = [
            (towns or schools, 0.50),
            (districts or schools, 0.25),
            (cities or schools, 0.20),
            (province or schools, 0.01),
        ]
        if key == "cases":  # partner departments send cases
            self.owner_pools.append((tree.by_kind.get(OrganizationKind.DEPARTMENT, []), 0.12))
        self.owner_pools = [(pool, w) for pool, w in self.owner_pools if pool]

    # -- helpers

    def pick_owner(self) -> Org:
        pools, weights = zip(*self.owner_pools, strict=True)
        return self.rng.choice(self.rng.choices(pools, weights)[0])

    def place(self) -> str:
        return self.rng.choice(self.places)

    def topic(self) -> tuple[int, str]:
        domain_id, code = self.rng.choice(self.vocab.domains)
        return domain_id, self.rng.choice(text.TOPICS.get(code) or text.TOPICS["domain-7"])

    def audience(self, owner: Org, scope: str) -> tuple[str, int]:
        """(scope, audience id) as ``policy.audience_for`` would give, adjusting the scope
        where it does not apply to this kind of owner."""
        if owner.kind == OrganizationKind.DEPARTMENT:
            return Scope.NETWORK, owner.city_id
        if owner.kind == OrganizationKind.PROVINCE:
            return scope, owner.id
        if scope == Scope.PRIVATE:
            return scope, owner.id
        if scope == Scope.DISTRICT and owner.district_id is not None:
            return scope, owner.district_id
        return Scope.NETWORK, owner.city_id

    # -- one row

    def row(self, pk: int) -> dict:
        rng = self.rng
        owner = self.pick_owner()
        reservoir = self.reservoir.get(owner.city_id)
        if reservoir and rng.random() < COPY_SHARE and owner.kind != OrganizationKind.DEPARTMENT:
            source = rng.choice(reservoir)
            if source["owner_id"] != owner.id:
                return self.copy_row(pk, owner, source)
        domain_id, topic = self.topic()
        row = dict(self.defaults)
        row.update(self.sharing_columns(pk, owner))
        row.update(self.content(owner, topic))
        self.finish(pk, row, owner, domain_id)
        return row

    def sharing_columns(self, pk: int, owner: Org) -> dict:
        rng = self.rng
        shares = (
            DEPARTMENT_STATUS_SHARES
            if owner.kind == OrganizationKind.DEPARTMENT
            else SCHOOL_STATUS_SHARES
        )
        status = rng.choices(list(shares), weights=list(shares.values()))[0]
        s = rng.random()
        scope = Scope.NETWORK if s < 0.5 else Scope.DISTRICT if s < 0.8 else Scope.PRIVATE
        if status == Status.DRAFT:
            scope = Scope.PRIVATE
        scope, audience_id = self.audience(owner, scope)
        created = self.now - timedelta(seconds=rng.randrange(3 * 365 * 86400))
        updated = created + timedelta(seconds=rng.randrange(30 * 86400))
        submitted = published = first_published = None
        if status in (Status.PENDING, Status.PUBLISHED, Status.REJECTED, Status.WITHDRAWN):
            submitted = created + timedelta(hours=rng.randrange(1, 240))
        if status == Status.PUBLISHED:
            published = first_published = submitted + timedelta(hours=rng.randrange(1, 120))
        updated = max(updated, published or submitted or updated)
        return {
            "id": pk,
            "owner_id": owner.id,
            "author_id": owner.author_id,
            "status": status,
            "scope": scope,
            "audience_id": audience_id,
            "version": rng.randint(1, 4) + (1 if published else 0),
            "rejection_reason": "材料不完整，请补充教学设计和讨论题后重新报送。"
            if status == Status.REJECTED
            else "",
            "submitted_at": submitted,
            "published_at": published,
            "first_published_at": first_published,
            "created_at": created,
            "updated_at": min(updated, self.now),
        }

    def finish(self, pk: int, row: dict, owner: Org, domain_id: int) -> None:
        row["search_title"] = index_of(row["title"])
        row["search_body"] = index_of(*(row[name] for name in self.model.SEARCH_TEXT_FIELDS))
        self.domain_links.append((pk, domain_id))
        if self.rng.random() < 0.3:
            other = self.rng.choice(self.vocab.domains)[0]
            if other != domain_id:
                self.domain_links.append((pk, other))
        if (
            row["status"] == Status.PUBLISHED
            and row["scope"] == Scope.NETWORK
            and owner.city_id is not None
        ):
            pool = self.reservoir.setdefault(owner.city_id, [])
            entry = {**row, "_domains": [d for p, d in self.domain_links[-2:] if p == pk]}
            if len(pool) < 300:
                pool.append(entry)
            else:
                pool[self.rng.randrange(300)] = entry

    def copy_row(self, pk: int, owner: Org, source: dict) -> dict:
        """A reuse copy: the source's content as a draft (or republished) of ``owner``."""
        row = dict(source)
        row.pop("_domains")
        row.update(self.sharing_columns(pk, owner))
        row.update(
            source_id=source["id"],
            source_version=source["version"],
            reuse_count=0,
            created_at=max(row["created_at"], source["published_at"]),
        )
        row["updated_at"] = max(row["updated_at"], row["created_at"])
        for date_field in ("submitted_at", "published_at", "first_published_at"):
            if row[date_field] is not None:
                row[date_field] = max(row[date_field], row["created_at"])
        self.adjust_copy(row)
        for domain_id in source["_domains"]:
            self.domain_links.append((pk, domain_id))
        self.reuses.append(
            {
                "source_id": source["id"],
                "source_version": source["version"],
                "source_owner_id": source["owner_id"],
                "copy_id": pk,
                "organization_id": owner.id,
                "user_id": owner.author_id,
                "created_at": row["created_at"],
            }
        )
        return row

    def adjust_copy(self, row: dict) -> None:
        """Library rules for a copy (a case's external reference stays with its owner)."""

    def content(self, owner: Org, topic: str) -> dict:
        raise NotImplementedError


class CourseGenerator(Generator):
    def content(self, owner, topic):
        rng = self.rng
        place = rng.choice(self.city_names) if rng.random() < 0.5 else self.place()
        return {
            "title": rng.choice(text.COURSE_TITLES).format(topic=topic, place=place),
            "summary": rng.choice(text.COURSE_SUMMARIES).format(topic=topic),
            "outline": rng.choice(text.COURSE_OUTLINES).format(topic=topic),
            "target_audience": rng.choice(text.AUDIENCES),
            "kind_id": rng.choice(self.vocab.course_kinds),
            "class_hours": Decimal(rng.randint(2, 12)) / 2,
        }

    def finish(self, pk, row, owner, domain_id):
        super().finish(pk, row, owner, domain_id)
        self.method_links.append((pk, self.rng.choice(self.vocab.methods)))


class LecturerGenerator(Generator):
    def content(self, owner, topic):
        rng = self.rng
        given = rng.choice(text.GIVEN) + (rng.choice(text.GIVEN) if rng.random() < 0.7 else "")
        return {
            "title": rng.choice(text.SURNAMES) + given,
            "kind_id": rng.choice(self.vocab.lecturer_kinds),
            "employer": rng.choice(text.EMPLOYERS).format(place=self.place()),
            "position": rng.choice(text.POSITIONS),
            "professional_title": rng.choice(text.PROFESSIONAL_TITLES),
            "employment": Employment.FULL_TIME if rng.random() < 0.3 else Employment.PART_TIME,
            "biography": f"长期从事{topic}研究与实践，主讲{topic}相关专题课程。",
        }


class CaseGenerator(Generator):
    def content(self, owner, topic):
        rng = self.rng
        place_id = owner.id if owner.kind == OrganizationKind.TOWN else owner.district_id
        if place_id is None:
            districts = self.tree.districts_of_city.get(owner.city_id) or [None]
            place_id = getattr(rng.choice(districts), "id", None)
        is_department = owner.kind == OrganizationKind.DEPARTMENT
        return {
            "title": rng.choice(text.CASE_TITLES).format(topic=topic, place=self.place()),
            "background": rng.choice(text.CASE_BACKGROUNDS).format(topic=topic),
            "key_issues": rng.choice(text.CASE_ISSUES).format(topic=topic),
            "teaching_notes": rng.choice(text.CASE_NOTES),
            "discussion_questions": rng.choice(text.CASE_QUESTIONS),
            "industry": rng.choice(text.INDUSTRIES),
            "place_id": place_id,
            "year": rng.randint(2015, 2026),
            "contributing_department_id": owner.id if is_department else None,
        }

    def finish(self, pk, row, owner, domain_id):
        if owner.kind == OrganizationKind.DEPARTMENT:
            row["external_ref"] = f"SCALE-{pk}"
        super().finish(pk, row, owner, domain_id)

    def adjust_copy(self, row):
        row["external_ref"] = ""


class SiteGenerator(Generator):
    def content(self, owner, topic):
        rng = self.rng
        place = self.place()
        district_id = owner.district_id
        if district_id is None:
            districts = self.tree.districts_of_city.get(owner.city_id) or [None]
            district_id = getattr(rng.choice(districts), "id", None)
        return {
            "title": rng.choice(text.SITE_TITLES).format(place=place),
            "category_id": rng.choice(self.vocab.site_categories),
            "host_organization": rng.choice(text.SITE_HOSTS).format(place=place),
            "address": f"{place}大道{rng.randint(1, 60)}号",
            "district_id": district_id,
            "town_id": owner.id if owner.kind == OrganizationKind.TOWN else None,
            "latitude": Decimal(rng.randint(21_500_000, 25_000_000)) / 1_000_000,
            "longitude": Decimal(rng.randint(110_000_000, 117_000_000)) / 1_000_000,
            "teaching_points": rng.choice(text.SITE_POINTS).format(topic=topic),
            "visit_minutes": rng.choice([30, 45, 60, 90]),
            "capacity": rng.choice([30, 50, 80, 120]),
        }

    def finish(self, pk, row, owner, domain_id):
        shared = row["status"] == Status.PUBLISHED and row["scope"] != Scope.PRIVATE
        row["lifecycle"] = (
            Lifecycle.ADMITTED
            if shared or self.rng.random() < 0.6
            else self.rng.choice([Lifecycle.CANDIDATE, Lifecycle.ASSESSING, Lifecycle.SUSPENDED])
        )
        if row["lifecycle"] != Lifecycle.ADMITTED and row["scope"] != Scope.PRIVATE:
            row["scope"], row["audience_id"] = Scope.PRIVATE, owner.id
        super().finish(pk, row, owner, domain_id)

    def adjust_copy(self, row):
        row["lifecycle"] = Lifecycle.CANDIDATE  # a reused site starts as a candidate
        row["scope"] = Scope.PRIVATE
        row["audience_id"] = row["owner_id"]
        if row["status"] == Status.PUBLISHED:
            row["status"], row["published_at"], row["first_published_at"] = (
                Status.DRAFT,
                None,
                None,
            )
            row["submitted_at"] = None


GENERATORS = {
    "courses": (Course, CourseGenerator),
    "lecturers": (Lecturer, LecturerGenerator),
    "cases": (Case, CaseGenerator),
    "sites": (TeachingSite, SiteGenerator),
}


# ---- writing ----------------------------------------------------------------------------------


def write_rows(model, columns: list[str], rows: Iterable[tuple]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``model``'s table, fast."""
    rows = list(rows)
    if not rows:
        return
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        table = connection.ops.quote_name(model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        sql = f"COPY {table} ({cols}) FROM STDIN"
        with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        model._base_manager.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=500
        )


def _prepare_transaction() -> None:
    """Generated rows are not user actions: the row triggers of apps.audit skip them.

    Django's foreign keys are deferred to the commit; checked at the end of each COPY
    instead, a million rows do not pile up pending checks (PostgreSQL also refuses to
    build an index on a table with pending trigger events).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('audit.suppress', 'on', true)")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _drop_search_index(model) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.schema_editor(atomic=False) as editor:
        editor.execute(
            f"DROP INDEX IF EXISTS {editor.quote_name(search_index(model.__name__).name)}"
        )
    return True


def _create_search_index(model) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    with connection.schema_editor(atomic=False) as editor:
        editor.add_index(model, search_index(model.__name__))


def _update_reuse_counts(model) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET reuse_count = r.n FROM "
            f"(SELECT source_id, COUNT(*) AS n FROM {table} WHERE source_id IS NOT NULL "
            f"GROUP BY source_id) AS r WHERE {table}.id = r.source_id"
        )


def _reset_sequences(models) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def targets(total: int) -> dict[str, int]:
    """How many resources each library should hold for ``total`` in all."""
    counts = {key: int(total * share) for key, share in LIBRARY_SHARES}
    counts["courses"] += total - sum(counts.values())
    return counts


def add_resources(
    total: int, tree: Tree, *, rng: random.Random, progress: Progress
) -> dict[str, int]:
    """Bring the four libraries to ``total`` resources together; return what each gained."""
    vocab = Vocab.load()
    places = _place_names()
    added: dict[str, int] = {}
    for key, target in targets(total).items():
        model, generator_class = GENERATORS[key]
        have = model._base_manager.count()
        missing = max(0, target - have)
        added[key] = missing
        if not missing:
            continue
        gen = generator_class(key, model, tree, vocab, rng, places)
        start_pk = (model._base_manager.aggregate(m=Max("id"))["m"] or 0) + 1
        rebuilt = missing >= GIN_REBUILD_AT and _drop_search_index(model)
        started = time.monotonic()
        for chunk_start in range(0, missing, CHUNK):
            pks = range(start_pk + chunk_start, start_pk + min(missing, chunk_start + CHUNK))
            rows = [gen.row(pk) for pk in pks]
            write_rows(model, gen.columns, (tuple(r[c] for c in gen.columns) for r in rows))
            _write_links(model, gen)
            done = chunk_start + len(pks)
            elapsed = time.monotonic() - started
            progress(f"{key}: {done}/{missing} ({100 * done // missing}%) {elapsed:.0f}s")
        _write_reuses(model, gen)
        _update_reuse_counts(model)
        if rebuilt:
            progress(f"{key}: building the full-text index")
            _create_search_index(model)
    _reset_sequences([m for m, _g in GENERATORS.values()])
    return added


def _write_links(model, gen: Generator) -> None:
    domains = model.domains.through
    own = f"{model._meta.model_name}_id"
    write_rows(domains, [own, "thematicdomain_id"], gen.domain_links)
    gen.domain_links.clear()
    if gen.method_links:
        methods = model.methods.through
        write_rows(methods, [own, "teachingmethod_id"], gen.method_links)
        gen.method_links.clear()


def _write_reuses(model, gen: Generator) -> None:
    if not gen.reuses:
        return
    content_type = ContentType.objects.get_for_model(model)
    columns = [
        "content_type_id",
        "source_id",
        "source_version",
        "source_owner_id",
        "copy_id",
        "organization_id",
        "user_id",
        "created_at",
    ]
    write_rows(
        ReuseRecord,
        columns,
        ((content_type.id, *(r[c] for c in columns[1:])) for r in gen.reuses),
    )


# ---- training classes -------------------------------------------------------------------------

CLASSES_PER_RESOURCE = 0.05  # a city of 50,000 resources holds about 2,500 classes
CLASS_YEARS = (2024, 2025, 2026)


def class_target(resources: int) -> int:
    """How many classes the generated cities hold for ``resources`` in the libraries."""
    return int(resources * CLASSES_PER_RESOURCE)


def add_classes(
    resources: int, tree: Tree, *, rng: random.Random, progress: Progress
) -> dict[str, int]:
    """Classes hosted by the generated cities' schools (Foshan has the demo's), grown with the
    libraries: each with two to four sessions teaching its city's published network courses
    with its city's lecturers, no lecturer in two places at once, across runs too (the slots
    its lecturers already hold are read first). Written like the resources (ids assigned here,
    COPY on PostgreSQL); no site visits or evaluations at this scale."""
    from apps.classes.models import (
        ClassTheme,
        ClassType,
        Session,
        SessionLecturer,
        TrainingClass,
    )
    from seeds.classes import MANUFACTURING_SHARE, SLOTS, Busy, _at, _status

    outside = TrainingClass.objects.exclude(host__path__contains=f"{FOSHAN_CODE}/")
    missing = max(0, class_target(resources) - outside.count())
    if not missing:
        return {"classes": 0}
    hosts = [
        o
        for o in tree.orgs
        if o.kind in (OrganizationKind.MUNICIPAL, OrganizationKind.DISTRICT, OrganizationKind.TOWN)
        and f"{FOSHAN_CODE}/" not in o.path
        and o.city_id is not None
    ]
    courses: dict[int, list[tuple[int, int]]] = {}
    for pk, city, version in Course.objects.filter(
        status=Status.PUBLISHED, scope=Scope.NETWORK
    ).values_list("id", "audience_id", "version"):
        courses.setdefault(city, []).append((pk, version))
    lecturers: dict[int, list[int]] = {}
    for pk, city in Lecturer.objects.filter(
        status=Status.PUBLISHED, scope=Scope.NETWORK
    ).values_list("id", "audience_id"):
        lecturers.setdefault(city, []).append(pk)
    hosts = [o for o in hosts if courses.get(o.city_id) and lecturers.get(o.city_id)]
    if not hosts:
        return {"classes": 0}
    themes = list(ClassTheme.objects.order_by("position").values_list("id", "manufacturing_first"))
    first = [t for t, flag in themes if flag] or [t for t, _f in themes]
    other = [t for t, flag in themes if not flag] or first
    # The slots an earlier run (or the demo) gave the lecturers this run may use, so that a
    # second run never puts one in two places (PostgreSQL would refuse the COPY); no visits here.
    busy = Busy(
        lecturers=Q(
            status=Status.PUBLISHED,
            scope=Scope.NETWORK,
            audience_id__in=sorted({o.city_id for o in hosts}),
        ),
        sites=Q(pk__in=[]),
    )
    today = timezone.localdate()
    now = timezone.now()
    class_columns = [
        "id", "host_id", "title", "class_type", "theme_id", "start_date", "end_date",
        "trainee_count", "cadre_level", "trainee_units", "venue", "status", "version",
        "created_by_id", "created_at", "updated_at",
    ]  # fmt: skip
    session_columns = [
        "id", "training_class_id", "starts_at", "ends_at", "course_id", "course_version",
        "note", "version", "created_at",
    ]  # fmt: skip
    seat_columns = ["session_id", "lecturer_id", "starts_at", "ends_at"]
    next_class = (TrainingClass.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    next_session = (Session.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    specialised = sessions_added = 0
    started = time.monotonic()
    for chunk_start in range(0, missing, CHUNK):
        class_rows, session_rows, seat_rows = [], [], []
        for _n in range(min(CHUNK, missing - chunk_start)):
            host = rng.choice(hosts)
            kind = ClassType.SPECIALISED if rng.random() < 0.85 else rng.choice(ClassType.values)
            if kind == ClassType.SPECIALISED:
                manufacturing = int((specialised + 1) * MANUFACTURING_SHARE) > int(
                    specialised * MANUFACTURING_SHARE
                )
                specialised += 1
                theme = rng.choice(first if manufacturing else other)
            else:
                theme = rng.choice(other)
            start = date(rng.choice(CLASS_YEARS), rng.randint(1, 12), rng.randint(1, 28))
            end = start + timedelta(days=rng.randint(1, 4))
            status = _status(start, end, today)
            class_rows.append(
                (
                    next_class, host.id, f"{start.year}年专业化能力提升班（{next_class}）", kind,
                    theme, start, end, rng.randint(30, 120), "section", "", host.name, status,
                    1, None, now, now,
                )
            )  # fmt: skip
            pool, teachers = courses[host.city_id], lecturers[host.city_id]
            day_slots = [(d, s) for d in range((end - start).days + 1) for s in range(len(SLOTS))]
            for offset, slot in day_slots[: rng.randint(2, 4)]:
                day = start + timedelta(days=offset)
                free = next(
                    (
                        x
                        for x in rng.sample(teachers, min(8, len(teachers)))
                        if (x, day, slot) not in busy.lecturers
                    ),
                    None,
                )
                if free is None:
                    continue
                busy.lecturers.add((free, day, slot))
                course, version = rng.choice(pool)
                begin, finish = _at(day, slot)
                session_rows.append(
                    (next_session, next_class, begin, finish, course, version, "", 1, now)
                )
                seat_rows.append((next_session, free, begin, finish))
                next_session += 1
            next_class += 1
        write_rows(TrainingClass, class_columns, class_rows)
        write_rows(Session, session_columns, session_rows)
        write_rows(SessionLecturer, seat_columns, seat_rows)
        sessions_added += len(session_rows)
        done = chunk_start + len(class_rows)
        progress(f"classes: {done}/{missing} {time.monotonic() - started:.0f}s")
    _reset_sequences([TrainingClass, Session, SessionLecturer])
    return {"classes": missing, "sessions": sessions_added}


def analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def seed_scale(
    *, schools: int, resources: int, seed: int = 2026, progress: Progress = print
) -> dict[str, int]:
    """Build the tree and bring the libraries to ``resources`` in all (idempotent)."""
    rng = random.Random(seed + resources)
    with transaction.atomic():
        _prepare_transaction()
        orgs_added = build_tree(schools, rng=rng, progress=progress)
        tree = load_tree()
        authors = ensure_authors(tree)
        added = add_resources(resources, tree, rng=rng, progress=progress)
        added.update(add_classes(resources, tree, rng=rng, progress=progress))
        content_changed()  # COPY sends no signals: cached lists must not outlive the load
    analyze()
    return {"organisations": orgs_added, "authors": authors, **added}
