"""Query budgets: every list costs the same number of SQL queries for 3 rows or 30.

For each list of the REST API and each list-like page, the data the list shows is
grown from a few rows to many (and, where the list has ``page_size``, a page of 5 is
compared with a page of 50); the number of queries must not move. A query per row
(an N+1) makes the large list cost more and these tests name the repeated statement.

Cursor-paginated API lists (the libraries, the organisations, a resource's history and
the audit log) and the other API lists never count rows: no ``COUNT(`` in any of their
queries. The library list pages do count (the facets and the total), but the counts are
cached per audience: a second identical load runs no ``COUNT(``.

The admin's change lists are pages too: they count (Django's paginator) and are not
cached, but they must not grow either (each foreign key a list shows is joined in:
``SharedResourceAdmin.get_list_select_related``, ``OrganizationAdmin``).

What other modules already measure is not repeated here: the four library API lists at
page sizes 5 and 50 in the default order, with their links (tests/courses/test_query_counts.py,
tests/sharing/test_library_lists.py), the list pages' default view as results grow
(tests/web/test_pages.py), the dashboard and its export (tests/dashboard/test_queries.py),
the Excel exports (tests/exchange/test_export.py), and a course's history and the whole
log as events grow (tests/audit/test_api.py, tests/audit/test_pages.py).

Every measured request runs with an empty cache (``cold``): the cost of the first
reader after a change, which the per-audience list cache must not hide.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken, Membership, User
from apps.attachments.models import Attachment, StoredFile
from apps.audit.models import AuditEvent
from apps.cases.models import Case
from apps.courses.models import Course, GroupRole, TeachingGroupMember
from apps.faculty.models import Lecturer
from apps.organizations.models import Organization
from apps.sharing import services
from apps.sharing.models import ReuseRecord
from apps.taxonomy.models import TeachingMethod, ThematicDomain
from apps.teaching_sites.models import Lifecycle, LifecycleEvent, TeachingSite
from tests.conftest import ORG
from tests.factories import LIBRARY_FACTORIES
from tests.helpers import token_client

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 30
LIBRARIES = list(LIBRARY_FACTORIES)
MODELS = {"courses": Course, "faculty": Lecturer, "cases": Case, "sites": TeachingSite}
TA2, TB, DB = "440604011", "440605011", "440605"
AUTHORS = {
    ORG["M"]: "muni_teacher",
    ORG["DA"]: "dA_teacher",
    ORG["TA"]: "tA_teacher",
    TA2: "tA2_teacher",
    TB: "tB_teacher",
    DB: "dB_curator",
    ORG["DEP"]: "dept",
}


# ---- measuring ------------------------------------------------------------------------------


@dataclass
class Measured:
    response: object
    sql: list[str]

    @property
    def n(self) -> int:
        return len(self.sql)

    @property
    def counting(self) -> list[str]:
        return [s for s in self.sql if "COUNT(" in s.upper()]


def hit(client, path, params=None, status=200) -> Measured:
    """One GET, its queries captured."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params or {})
    assert response.status_code == status, (
        path,
        params,
        response.status_code,
        response.content[:400],
    )
    return Measured(response, [q["sql"] for q in ctx.captured_queries])


def clear_caches() -> None:
    for alias in settings.CACHES:  # "default" and "lists" (apps.sharing.list_cache)
        caches[alias].clear()


def cold(client, path, params=None, status=200) -> Measured:
    """One GET with an empty cache: what the first reader after a change pays."""
    clear_caches()
    return hit(client, path, params, status)


def _shape(sql: str) -> str:
    """A statement without its literals, so that one query per row shows up as a repeat."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    return re.sub(r"\(\?(?:, \?)*\)", "(?)", sql)


def assert_same_cost(few: Measured, many: Measured, what: str) -> None:
    if few.n == many.n:
        return
    grown = Counter(map(_shape, many.sql)) - Counter(map(_shape, few.sql))
    repeated = "\n".join(f"  +{n}× {sql[:300]}" for sql, n in grown.most_common(3))
    pytest.fail(f"{what}: {few.n} queries with few rows, {many.n} with many; grew:\n{repeated}")


def assert_no_count(measured: Measured, what: str) -> None:
    assert not measured.counting, f"{what} counts rows: {measured.counting}"


def api_client(persona, name) -> APIClient:
    client = APIClient()
    client.force_login(persona(name))
    return client


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


# ---- data -----------------------------------------------------------------------------------

# (owner, status, scope): every shape visible to muni_curator, for different reasons.
VISIBLE_TO_MUNI = [
    (ORG["M"], "published", "network"),
    (ORG["TA"], "published", "network"),
    (ORG["DA"], "published", "district"),
    (ORG["TA"], "pending", "network"),
    (ORG["M"], "draft", "private"),
    (TB, "published", "network"),
]


def domain_codes() -> list[str]:
    return list(ThematicDomain.objects.values_list("code", flat=True))


def make(library, persona, owner, status="published", scope="network", **kwargs):
    if "author" not in kwargs:
        kwargs["author"] = persona(AUTHORS[owner])
    return LIBRARY_FACTORIES[library](owner_code=owner, status=status, scope=scope, **kwargs)


def grow_library(library, persona, start, stop, shapes=VISIBLE_TO_MUNI, title="园区改造"):
    """Items ``start``…``stop-1``: owners, statuses, domains and copies varying with ``i``."""
    codes = domain_codes()
    items = []
    for i in range(start, stop):
        owner, status, scope = shapes[i % len(shapes)]
        item = make(
            library,
            persona,
            owner,
            status,
            scope,
            title=f"{title}{i}",
            domains=codes[: 1 + i % len(codes)],
        )
        if i % 5 == 4:  # a copy of an earlier item, so that "source" varies
            source = MODELS[library].objects.filter(pk__lt=item.pk).order_by("-pk").first()
            if source is not None:
                MODELS[library].objects.filter(pk=item.pk).update(
                    source=source, source_version=source.version
                )
        items.append(item)
    return items


# ---- API: organisations and the signed-in user ---------------------------------------------

ORGANIZATIONS = "/api/v1/organizations/"


def add_towns(start, stop, parent_code=ORG["DA"]):
    parent = org(parent_code)
    for i in range(start, stop):
        Organization.objects.create(
            code=f"4406049{i:02d}", name=f"预算测试镇{i}", kind="town", parent=parent
        )


@pytest.mark.parametrize(
    "params", [{}, {"kind": "town"}, {"parent": ORG["DA"]}], ids=["all", "kind", "parent"]
)
def test_organizations_list_costs_the_same_for_few_and_many(params, persona):
    client = api_client(persona, "tA_teacher")
    add_towns(0, SMALL)
    few = cold(client, ORGANIZATIONS, params)
    add_towns(SMALL, LARGE)
    many = cold(client, ORGANIZATIONS, params)
    small_page = cold(client, ORGANIZATIONS, {**params, "page_size": 5})
    large_page = cold(client, ORGANIZATIONS, {**params, "page_size": 50})

    assert len(small_page.response.json()["results"]) == 5
    assert len(large_page.response.json()["results"]) > LARGE
    assert_same_cost(few, many, f"organizations {params}")
    assert_same_cost(small_page, large_page, f"organizations {params} page_size 5/50")
    for measured in (few, many, small_page, large_page):
        assert_no_count(measured, "the organisation list")


def test_me_costs_the_same_for_one_seat_and_thirty(persona):
    user = User.objects.create_user(username="budget_many_seats")
    schools = list(Organization.objects.filter(kind="town").order_by("code")[:LARGE])
    assert len(schools) == LARGE
    client = APIClient()
    client.force_login(user)
    Membership.objects.bulk_create(
        Membership(user=user, organization=o, role="teacher") for o in schools[:SMALL]
    )
    few = cold(client, "/api/v1/me/")
    Membership.objects.bulk_create(
        Membership(user=user, organization=o, role="teacher") for o in schools[SMALL:]
    )
    many = cold(client, "/api/v1/me/")

    assert len(many.response.json()["memberships"]) == LARGE
    assert_same_cost(few, many, "/api/v1/me/")
    assert_no_count(many, "/api/v1/me/")


# ---- API: the four libraries ---------------------------------------------------------------
#
# The page sizes are measured elsewhere for the default order; here: searching (ranked
# cursor), another ordering, the shared filters, and a token instead of a session.

LIBRARY_VARIANTS = {
    "plain": {},
    "search": {"q": "园区"},
    "ordering": {"ordering": "title"},
    "filters": {"within": ORG["DA"], "status": "published", "domain": "industrial-system"},
}


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("library", LIBRARIES)
def test_library_api_lists_cost_the_same_and_never_count(library, auth, persona):
    if auth == "session":
        client = api_client(persona, "muni_curator")
    else:
        client, _token = token_client(persona("muni_curator"), warm=True, name="budget")
    path = f"/api/v1/{library}/"

    grow_library(library, persona, 0, SMALL)
    few = {name: cold(client, path, params) for name, params in LIBRARY_VARIANTS.items()}
    grow_library(library, persona, SMALL, LARGE)
    many = {name: cold(client, path, params) for name, params in LIBRARY_VARIANTS.items()}
    pages = {
        size: cold(client, path, {**LIBRARY_VARIANTS["search"], "page_size": size})
        for size in (5, 50)
    }
    again = hit(client, path, LIBRARY_VARIANTS["search"])  # the same request, maybe cached

    assert len(many["plain"].response.json()["results"]) == 20
    assert len(many["search"].response.json()["results"]) == 20
    assert len(pages[50].response.json()["results"]) == LARGE
    assert len(many["filters"].response.json()["results"]) >= 5
    for name in LIBRARY_VARIANTS:
        assert_same_cost(few[name], many[name], f"{path} {name}")
    assert_same_cost(pages[5], pages[50], f"{path} ?q= page_size 5/50")
    assert again.n <= many["search"].n
    for measured in [*few.values(), *many.values(), *pages.values(), again]:
        assert_no_count(measured, path)


# ---- API: a resource's history and the whole audit log --------------------------------------


def edits(library, persona, obj, start, stop):
    """``stop - start`` events on ``obj``, by the author and by the owner's curator."""
    for i in range(start, stop):
        user = persona("tA_teacher" if i % 2 else "tA_curator")
        services.resource_update(MODELS[library], user=user, pk=obj.pk, data={"title": f"第{i}版"})


@pytest.mark.parametrize("library", LIBRARIES)
def test_history_costs_the_same_for_few_and_many_events_and_never_counts(library, persona):
    obj = make(library, persona, ORG["TA"], "draft", "private")
    client = api_client(persona, "tA_curator")
    path = f"/api/v1/{library}/{obj.pk}/history/"

    edits(library, persona, obj, 0, SMALL)
    few = cold(client, path)
    edits(library, persona, obj, SMALL, LARGE)
    writer, _token = token_client(persona("tA_teacher"), warm=True, name="budget")
    version = MODELS[library].objects.get(pk=obj.pk).version
    assert (
        writer.patch(
            f"/api/v1/{library}/{obj.pk}/",
            {"title": "令牌改的"},
            format="json",
            HTTP_IF_MATCH=f'"{version}"',
        ).status_code
        == 200
    )
    many = cold(client, path)
    pages = {size: cold(client, path, {"page_size": size}) for size in (5, 50)}

    assert len(pages[50].response.json()["results"]) >= LARGE + 1
    assert any(e["token"] for e in pages[50].response.json()["results"])
    assert_same_cost(few, many, f"{path} few/many events")
    assert_same_cost(pages[5], pages[50], f"{path} page_size 5/50")
    for measured in (few, many, *pages.values()):
        assert_no_count(measured, path)


AUDIT = "/api/v1/audit/"
AUDIT_VARIANTS = {
    "plain": {},
    "object_type": {"object_type": "courses"},
    "action": {"action": "update,submit"},
    "user": {"user": "tA_teacher"},
    "organization": {"organization": ORG["TA"]},
    "since": {"since": "2000-01-01"},
}


def logged_events(persona, start, stop):
    """Events of every library, several users and organisations."""
    for i in range(start, stop):
        library = LIBRARIES[i % len(LIBRARIES)]
        owner = [ORG["TA"], ORG["DA"]][i % 2]
        obj = make(library, persona, owner, "draft", "private")
        services.resource_update(
            MODELS[library], user=persona(AUTHORS[owner]), pk=obj.pk, data={"title": f"改{i}"}
        )


def test_audit_log_costs_the_same_for_few_and_many_events_and_never_counts(persona):
    client = api_client(persona, "muni_admin")
    logged_events(persona, 0, SMALL)
    few = {name: cold(client, AUDIT, params) for name, params in AUDIT_VARIANTS.items()}
    logged_events(persona, SMALL, LARGE)
    many = {name: cold(client, AUDIT, params) for name, params in AUDIT_VARIANTS.items()}
    pages = {size: cold(client, AUDIT, {"page_size": size}) for size in (5, 50)}

    assert len(pages[50].response.json()["results"]) > LARGE
    assert AuditEvent.objects.filter(action="update").count() >= LARGE
    for name in AUDIT_VARIANTS:
        assert_same_cost(few[name], many[name], f"{AUDIT} {name}")
    assert_same_cost(pages[5], pages[50], f"{AUDIT} page_size 5/50")
    for measured in [*few.values(), *many.values(), *pages.values()]:
        assert_no_count(measured, AUDIT)


# ---- API: attachments, reuses and a site's lifecycle ----------------------------------------


def attach(obj, persona, start, stop):
    resource_type = ContentType.objects.get_for_model(type(obj))
    users = [persona("tA_teacher"), persona("tA_curator")]
    for i in range(start, stop):
        stored = StoredFile.objects.create(
            sha256=f"{obj.pk:08d}{i:056d}",
            size=1000 + i,
            content_type="application/pdf",
            file=f"attachments/budget/{obj.pk}-{i}",
        )
        Attachment.objects.create(
            resource_type=resource_type,
            resource_id=obj.pk,
            stored=stored,
            filename=f"附件{i}.pdf",
            kind="pdf",
            uploaded_by=users[i % 2],
        )


@pytest.mark.parametrize("library", ["courses", "cases"])
def test_attachment_list_costs_the_same_for_few_and_many_files(library, persona):
    obj = make(library, persona, ORG["TA"])
    client = api_client(persona, "tA2_teacher")
    path = f"/api/v1/{library}/{obj.pk}/attachments/"

    attach(obj, persona, 0, SMALL)
    few = cold(client, path)
    attach(obj, persona, SMALL, LARGE)
    many = cold(client, path)

    assert len(many.response.json()) == LARGE
    assert_same_cost(few, many, path)
    assert_no_count(many, path)


REUSERS = [(ORG["TA"], "tA_teacher"), (TA2, "tA2_teacher"), (TB, "tB_teacher"), (DB, "dB_curator")]


def reuse_records(obj, persona, start, stop):
    for i in range(start, stop):
        code, name = REUSERS[i % len(REUSERS)]
        ReuseRecord.objects.create(
            content_type=ContentType.objects.get_for_model(type(obj)),
            source_id=obj.pk,
            source_version=obj.version,
            source_owner=obj.owner,
            copy_id=10_000 + i,
            organization=org(code),
            user=persona(name),
        )


@pytest.mark.parametrize("library", LIBRARIES)
def test_reuses_list_costs_the_same_for_few_and_many_reuses(library, persona):
    obj = make(library, persona, ORG["M"])
    services.resource_reuse(
        MODELS[library], user=persona("tA_teacher"), pk=obj.pk, target_code=ORG["TA"]
    )
    client = api_client(persona, "tB_teacher")
    path = f"/api/v1/{library}/{obj.pk}/reuses/"

    reuse_records(obj, persona, 1, SMALL)
    few = cold(client, path)
    reuse_records(obj, persona, SMALL, LARGE)
    many = cold(client, path)

    assert len(few.response.json()) == SMALL
    assert len(many.response.json()) == LARGE
    assert_same_cost(few, many, path)
    assert_no_count(many, path)


def lifecycle_events(site, persona, start, stop):
    users = [persona("muni_curator"), persona("dA_curator"), persona("tA_curator")]
    states = [Lifecycle.CANDIDATE, Lifecycle.ADMITTED, Lifecycle.SUSPENDED]
    for i in range(start, stop):
        LifecycleEvent.objects.create(
            site=site,
            from_state=states[i % 3],
            to_state=states[(i + 1) % 3],
            reason=f"第{i}次调整",
            effective_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=i),
            user=users[i % 3],
        )


def test_site_lifecycle_list_costs_the_same_for_few_and_many_changes(persona):
    site = make("sites", persona, ORG["DA"])
    client = api_client(persona, "tA_teacher")
    path = f"/api/v1/sites/{site.pk}/lifecycle/"

    lifecycle_events(site, persona, 0, SMALL)
    few = cold(client, path)
    lifecycle_events(site, persona, SMALL, LARGE)
    many = cold(client, path)

    assert len(many.response.json()) == LARGE
    assert_same_cost(few, many, path)
    assert_no_count(many, path)


# ---- pages: home, review queue, API tokens --------------------------------------------------


def home_rows(persona, start, stop):
    """For tA_curator: published items to show, own drafts, and submissions to review."""
    for library in LIBRARIES:
        for i in range(start, stop):
            make(library, persona, ORG["M"], title=f"新发布{i}")
            make(library, persona, ORG["TA"], "draft", "private", author=persona("tA_curator"))
            make(library, persona, ORG["TA"], "pending", "private", submitted_at=timezone.now())


def test_home_costs_the_same_for_few_and_many_items(browser, persona):
    client = browser("tA_curator")
    # One of each: the page shows at most 12 published items and, per library, 5 drafts
    # and 5 submissions, so 3 of each would already fill the first list.
    home_rows(persona, 0, 1)
    few = cold(client, "/")
    home_rows(persona, 1, LARGE)
    many = cold(client, "/")

    assert len(many.response.context["latest"]) == 12
    assert len(many.response.context["review_queue"]) == 5 * len(LIBRARIES)
    assert len(many.response.context["drafts"]) == 5 * len(LIBRARIES)
    assert_same_cost(few, many, "home")
    assert_no_count(many, "home")


# (owner, scope) of pending submissions dA_curator decides on, each with different choices.
REVIEW_SHAPES = [(ORG["TA"], "district"), (ORG["DA"], "private"), (TA2, "district")]
MUNI_REVIEW_SHAPES = [(ORG["TA"], "network"), (ORG["M"], "private"), (ORG["DEP"], "network")]


def pending(persona, shapes, start, stop):
    for library in LIBRARIES:
        for i in range(start, stop):
            owner, scope = shapes[i % len(shapes)]
            make(library, persona, owner, "pending", scope, submitted_at=timezone.now())


@pytest.mark.parametrize(
    ("reader", "shapes"),
    [("dA_curator", REVIEW_SHAPES), ("muni_curator", MUNI_REVIEW_SHAPES)],
    ids=["district", "municipal"],
)
def test_review_queue_costs_the_same_for_few_and_many_submissions(reader, shapes, browser, persona):
    client = browser(reader)
    pending(persona, shapes, 0, SMALL)
    few = cold(client, "/review/")
    pending(persona, shapes, SMALL, LARGE)
    many = cold(client, "/review/")

    groups = many.response.context["groups"]
    assert [len(items) for _library, items in groups] == [LARGE] * len(LIBRARIES)
    assert {len(obj.approve_scopes) for _library, items in groups for obj in items} - {0}
    assert_same_cost(few, many, f"review queue ({reader})")
    assert_no_count(many, "the review queue")


def tokens(persona, start, stop):
    user = persona("tA_teacher")
    for i in range(start, stop):
        token, _raw = ApiToken.issue(user=user, name=f"系统{i}", read_only=bool(i % 2))
        if i % 3 == 1:
            token.revoked_at = timezone.now()
        if i % 3 == 2:
            token.expires_at = timezone.now() - datetime.timedelta(days=1)
            token.last_used_at = timezone.now() - datetime.timedelta(days=2)
        token.save()


def test_token_page_costs_the_same_for_few_and_many_tokens(browser, persona):
    client = browser("tA_teacher")
    tokens(persona, 0, SMALL)
    few = cold(client, "/account/tokens/")
    tokens(persona, SMALL, LARGE)
    many = cold(client, "/account/tokens/")

    assert many.response.content.decode().count("/revoke/") == LARGE - LARGE // 3
    assert_same_cost(few, many, "the token page")
    assert_no_count(many, "the token page")


# ---- pages: the library lists ---------------------------------------------------------------
#
# The default view as results grow is measured in tests/web/test_pages.py; here: search,
# sorts, filters and a second page, and that a second identical load does not count again.

PAGE_VARIANTS = {
    "plain": {},
    "search": {"q": "园区"},
    "sorted": {"sort": "title", "domain": "industrial-system"},
    "filters": {"status": "published", "tier": "town", "sort": "reused"},
    "page2": {"page": "2", "sort": "updated"},
}


@pytest.mark.parametrize("library", LIBRARIES)
def test_list_pages_cost_the_same_and_count_once(library, browser, persona):
    client = browser("muni_curator")
    path = f"/library/{library}/"

    def loads():
        first = {name: cold(client, path, params) for name, params in PAGE_VARIANTS.items()}
        clear_caches()
        second = {}
        for name, params in PAGE_VARIANTS.items():
            hit(client, path, params)
            second[name] = hit(client, path, params)
        return first, second

    grow_library(library, persona, 0, SMALL)
    few, few_again = loads()
    grow_library(library, persona, SMALL, LARGE)
    many, many_again = loads()

    assert "园区改造" in many["page2"].response.content.decode()
    for name in PAGE_VARIANTS:
        assert_same_cost(few[name], many[name], f"{path} {name}, first load")
        assert_same_cost(few_again[name], many_again[name], f"{path} {name}, second load")
        assert many[name].counting, f"{path} {name}: the first load counts"
        assert_no_count(few_again[name], f"{path} {name}, second load")
        assert_no_count(many_again[name], f"{path} {name}, second load")


# ---- pages: a resource's page and its lists -------------------------------------------------


def detail_lists(library, persona, obj, start, stop, links):
    """Grow every list the page shows about ``obj``: reuses, files, links, group, events."""
    reuse_records(obj, persona, start, stop)
    if library in ("courses", "cases"):
        attach(obj, persona, start, stop)
    courses, lecturers, cases, sites = (links[k][start:stop] for k in LIBRARIES)
    if library == "courses":
        obj.cases.add(*cases)
        obj.sites.add(*sites)
        obj.methods.set(TeachingMethod.objects.all()[: 1 + stop % 5])
        TeachingGroupMember.objects.bulk_create(
            TeachingGroupMember(course=obj, lecturer=lecturer, role=GroupRole.OFFICIAL, position=i)
            for i, lecturer in enumerate(lecturers, start)
        )
    elif library == "faculty":
        TeachingGroupMember.objects.bulk_create(
            TeachingGroupMember(course=course, lecturer=obj, role=GroupRole.OFFICIAL)
            for course in courses
        )
        obj.sites.add(*sites)
    elif library == "cases":
        obj.courses.add(*courses)
    else:
        obj.courses.add(*courses)
        obj.lecturers.add(*lecturers)
        lifecycle_events(obj, persona, start, stop)


@pytest.mark.parametrize("library", LIBRARIES)
def test_detail_page_costs_the_same_for_few_and_many_listed_rows(library, browser, persona):
    links = {
        key: [make(key, persona, ORG["M"], title=f"链接{i}") for i in range(LARGE)]
        for key in LIBRARIES
    }
    obj = make(library, persona, ORG["TA"])
    client = browser("tA_curator")
    path = f"/library/{library}/{obj.pk}/"

    detail_lists(library, persona, obj, 0, SMALL, links)
    few = cold(client, path)
    detail_lists(library, persona, obj, SMALL, LARGE, links)
    many = cold(client, path)

    assert len(many.response.context["reuses"]) == LARGE
    assert f"链接{LARGE - 1}" in many.response.content.decode()
    assert_same_cost(few, many, path)
    assert_no_count(many, path)


# ---- the admin's lists ----------------------------------------------------------------------


@pytest.fixture
def staff(client, persona):
    user = persona("muni_admin")
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(user)
    return client


def admin_rows(name, persona, start, stop):
    if name in MODELS:
        grow_library(name, persona, start, stop, shapes=[(ORG["M"], "published", "network")])
    elif name == "organization":
        add_towns(start, stop)
    elif name == "auditevent":
        logged_events(persona, start, stop)
    elif name == "apitoken":
        tokens(persona, start, stop)
    elif name == "user":
        for i in range(start, stop):
            User.objects.create_user(username=f"budget_user_{i}")


ADMIN_LISTS = {
    "courses": "/admin/courses/course/",
    "faculty": "/admin/faculty/lecturer/",
    "cases": "/admin/cases/case/",
    "sites": "/admin/teaching_sites/teachingsite/",
    "auditevent": "/admin/audit/auditevent/",
    "organization": "/admin/organizations/organization/",
    "apitoken": "/admin/accounts/apitoken/",
    "user": "/admin/accounts/user/",
}


@pytest.mark.parametrize("name", list(ADMIN_LISTS))
def test_admin_lists_cost_the_same_for_few_and_many_rows(name, staff, persona):
    """The admin pages count (its paginator) and are not cached; they must not grow."""
    path = ADMIN_LISTS[name]
    admin_rows(name, persona, 0, SMALL)
    few = cold(staff, path)
    admin_rows(name, persona, SMALL, LARGE)
    many = cold(staff, path)

    assert len(many.response.context["cl"].result_list) >= LARGE
    assert_same_cost(few, many, path)
