"""Each kind of event reaches exactly the people the issue names, through the services.

Issue 12, item 4: a submission reaches the audience's curators; published, rejected (with the
reason) and withdrawn reach the author and the owning school's curators; a reuse reaches the
source's owner; an update of a source reaches the copy's owner; a site's lifecycle reaches the
site's owner. The person who acted is never told. The jobs run as a worker would run them.
"""

import pytest

from apps.courses.models import Course
from apps.jobs.queue import pending_jobs
from apps.notifications.models import Kind, Notification
from apps.notifications.texts import describe
from apps.sharing import services
from apps.sharing.choices import Scope, Status
from apps.teaching_sites.models import Lifecycle, TeachingSite
from apps.teaching_sites.services import site_change_lifecycle
from tests.conftest import ORG
from tests.factories import CourseFactory, TeachingSiteFactory

from .conftest import told

pytestmark = pytest.mark.django_db

# Members of 祖庙 (TA), the owner of the town's resources: its curators are tA_admin, tA_curator.
TOWN_OWNER_SIDE = {"tA_teacher", "tA_admin", "tA_curator"}


@pytest.fixture
def draft(persona):
    return CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))


def test_a_submission_reaches_the_audience_curators_only(draft, persona, deliver):
    services.resource_submit(Course, user=persona("tA_teacher"), pk=draft.pk, scope=Scope.DISTRICT)
    assert Notification.objects.count() == 0  # nothing before the job runs
    deliver()
    assert told(Kind.SUBMITTED, draft) == {"dA_curator"}
    assert Notification.objects.count() == 1


def test_a_submission_for_the_own_school_reaches_its_curators_not_the_author(persona, deliver):
    draft = CourseFactory(owner_code=ORG["TA"], author=persona("tA_curator"))
    services.resource_submit(Course, user=persona("tA_curator"), pk=draft.pk, scope=Scope.PRIVATE)
    deliver()
    assert told(Kind.SUBMITTED, draft) == {"tA_admin"}  # the curator who submitted is not told


@pytest.fixture
def pending(draft, persona, deliver):
    services.resource_submit(Course, user=persona("tA_teacher"), pk=draft.pk, scope=Scope.DISTRICT)
    deliver()
    Notification.objects.all().delete()
    return Course.objects.get(pk=draft.pk)


def test_a_publication_reaches_the_author_and_the_owner_curators(pending, persona, deliver):
    services.resource_publish(Course, user=persona("dA_curator"), pk=pending.pk, scope="district")
    deliver()
    assert told(Kind.PUBLISHED, pending) == TOWN_OWNER_SIDE
    assert set(Notification.objects.values_list("kind", flat=True)) == {Kind.PUBLISHED}


def test_a_rejection_reaches_them_with_the_reason(pending, persona, deliver):
    services.resource_reject(Course, user=persona("dA_curator"), pk=pending.pk, reason="请补充案例")
    deliver()
    assert told(Kind.REJECTED, pending) == TOWN_OWNER_SIDE
    notification = Notification.objects.filter(recipient__username="tA_teacher").get()
    assert notification.data["reason"] == "请补充案例"
    assert "请补充案例" in describe(notification)


def test_a_withdrawal_reaches_the_author_and_the_owner_curators(persona, deliver):
    published = CourseFactory(
        owner_code=ORG["TA"],
        author=persona("tA_teacher"),
        status=Status.PUBLISHED,
        scope=Scope.DISTRICT,
    )
    services.resource_withdraw(Course, user=persona("dA_curator"), pk=published.pk)
    deliver()
    assert told(Kind.WITHDRAWN, published) == TOWN_OWNER_SIDE
    assert set(Notification.objects.values_list("kind", flat=True)) == {Kind.WITHDRAWN}


def test_the_actor_is_not_told_of_their_own_withdrawal(persona, deliver):
    published = CourseFactory(
        owner_code=ORG["TA"],
        author=persona("tA_teacher"),
        status=Status.PUBLISHED,
        scope=Scope.PRIVATE,
    )
    services.resource_withdraw(Course, user=persona("tA_curator"), pk=published.pk)
    deliver()
    assert told(Kind.WITHDRAWN, published) == {"tA_teacher", "tA_admin"}


@pytest.fixture
def city_course(persona):
    return CourseFactory(
        owner_code=ORG["M"],
        author=persona("muni_teacher"),
        status=Status.PUBLISHED,
        scope=Scope.NETWORK,
    )


def test_a_reuse_reaches_the_source_owner_with_the_school(city_course, persona, deliver):
    copy = services.resource_reuse(
        Course, user=persona("tA_teacher"), pk=city_course.pk, target_code=ORG["TA"]
    )
    deliver()
    assert told(Kind.REUSED, city_course) == {"muni_teacher", "muni_curator", "muni_admin"}
    assert Notification.objects.filter(kind=Kind.REUSED).count() == 3
    notification = Notification.objects.filter(recipient__username="muni_curator").get()
    assert notification.data["school"] == copy.owner.name
    assert copy.owner.name in describe(notification)
    assert not Notification.objects.exclude(kind=Kind.REUSED).exists()


def test_a_repeated_reuse_tells_nobody_again(city_course, persona, deliver):
    for _ in range(2):
        services.resource_reuse(
            Course, user=persona("tA_teacher"), pk=city_course.pk, target_code=ORG["TA"]
        )
    deliver()
    assert Notification.objects.filter(kind=Kind.REUSED).count() == 3


def test_an_update_of_the_source_reaches_the_copy_owner(city_course, persona, deliver):
    services.resource_publish(
        Course, user=persona("muni_curator"), pk=city_course.pk, scope=Scope.NETWORK
    )
    copy = services.resource_reuse(
        Course, user=persona("tA_teacher"), pk=city_course.pk, target_code=ORG["TA"]
    )
    deliver()
    Notification.objects.all().delete()
    services.resource_update(
        Course, user=persona("muni_curator"), pk=city_course.pk, data={"outline": "新提纲"}
    )
    deliver()
    assert told(Kind.SOURCE_UPDATED) == TOWN_OWNER_SIDE
    notification = Notification.objects.filter(recipient__username="tA_teacher").get()
    assert notification.object_id == copy.pk  # told about their copy, not the source
    source = Course.objects.get(pk=city_course.pk)
    assert notification.data == {
        "from_version": copy.source_version,
        "to_version": source.published_version,
    }
    assert Notification.objects.count() == 3


def test_an_update_of_a_source_without_copies_queues_nothing(city_course, persona, deliver):
    services.resource_update(
        Course, user=persona("muni_curator"), pk=city_course.pk, data={"outline": "新提纲"}
    )
    assert pending_jobs() == 0


def test_a_withdrawn_source_tells_its_copies_owners(city_course, persona, deliver):
    copy = services.resource_reuse(
        Course, user=persona("tA_teacher"), pk=city_course.pk, target_code=ORG["TA"]
    )
    deliver()
    Notification.objects.all().delete()
    services.resource_withdraw(Course, user=persona("muni_curator"), pk=city_course.pk)
    deliver()
    assert told(Kind.SOURCE_WITHDRAWN, copy) == TOWN_OWNER_SIDE
    assert told(Kind.WITHDRAWN, city_course) == {"muni_teacher", "muni_admin"}


def test_a_site_lifecycle_change_reaches_the_site_owner(persona, deliver):
    site = TeachingSiteFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    site_change_lifecycle(
        user=persona("tA_curator"), pk=site.pk, to_state=Lifecycle.SUSPENDED, reason="整改"
    )
    deliver()
    assert told(Kind.SITE_LIFECYCLE, site) == {"tA_teacher", "tA_admin"}
    notification = Notification.objects.filter(recipient__username="tA_teacher").get()
    assert notification.data["to"] == Lifecycle.SUSPENDED
    assert TeachingSite.objects.get(pk=site.pk).lifecycle == Lifecycle.SUSPENDED


def _copy_behind(city_course, persona, deliver):
    """祖庙's copy of the city's course, then a new version of the source: the copy is behind
    and its owners have been told once."""
    services.resource_publish(
        Course, user=persona("muni_curator"), pk=city_course.pk, scope=Scope.NETWORK
    )
    copy = services.resource_reuse(
        Course, user=persona("tA_teacher"), pk=city_course.pk, target_code=ORG["TA"]
    )
    services.resource_update(
        Course, user=persona("muni_curator"), pk=city_course.pk, data={"outline": "新提纲"}
    )
    deliver()
    assert Notification.objects.filter(kind=Kind.SOURCE_UPDATED).count() == 3
    return copy


def test_a_save_of_the_source_that_changes_no_content_tells_nobody_again(
    city_course, persona, deliver
):
    """A version is announced once: saving, widening or republishing the source without a
    content change keeps no version, and the copy's owners hear nothing more."""
    _copy_behind(city_course, persona, deliver)

    services.resource_update(
        Course, user=persona("muni_curator"), pk=city_course.pk, data={"outline": "新提纲"}
    )
    services.resource_publish(
        Course, user=persona("muni_curator"), pk=city_course.pk, scope=Scope.NETWORK
    )
    deliver()

    assert Notification.objects.filter(kind=Kind.SOURCE_UPDATED).count() == 3


def test_a_declined_version_is_not_announced_again_a_newer_one_is(city_course, persona, deliver):
    copy = _copy_behind(city_course, persona, deliver)
    services.resource_sync(Course, user=persona("tA_teacher"), pk=copy.pk, decline=True)
    Notification.objects.all().delete()

    services.resource_update(
        Course, user=persona("muni_curator"), pk=city_course.pk, data={"outline": "新提纲"}
    )
    deliver()
    assert not Notification.objects.filter(kind=Kind.SOURCE_UPDATED).exists()

    services.resource_update(
        Course, user=persona("muni_curator"), pk=city_course.pk, data={"outline": "第三版提纲"}
    )
    deliver()
    assert told(Kind.SOURCE_UPDATED, copy) == TOWN_OWNER_SIDE


def test_a_departments_corrected_case_reaches_the_curators_again(persona, deliver):
    """A rejected case that its department corrects goes straight back to review: the city's
    curators are told, as for the first submission."""
    from apps.cases.models import Case
    from tests.factories import CaseFactory

    case = CaseFactory(owner_code=ORG["DEP"], author=persona("dept"))
    services.resource_submit(Case, user=persona("dept"), pk=case.pk, scope=Scope.NETWORK)
    services.resource_reject(Case, user=persona("muni_curator"), pk=case.pk, reason="补充数据")
    deliver()
    Notification.objects.all().delete()

    services.resource_update(Case, user=persona("dept"), pk=case.pk, data={"key_issues": "补充"})
    deliver()

    assert Case.objects.get(pk=case.pk).status == Status.PENDING
    assert told(Kind.SUBMITTED, case) == {"muni_curator", "muni_admin"}
