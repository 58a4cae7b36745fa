"""``seed_scale``: a province-size tree and resources that behave like real ones.

Run small here (a few hundred resources); the benchmark runs it at a million.
"""

import itertools
import random

import pytest
from django.core.management import call_command
from django.db.models import Count

from apps.cases.models import Case
from apps.courses.models import Course
from apps.faculty.models import Lecturer
from apps.organizations.models import Organization, OrganizationKind
from apps.search.indexing import search_columns
from apps.sharing.choices import Scope, Status
from apps.sharing.models import ReuseRecord
from apps.sharing.policy import audience_for
from apps.teaching_sites.models import Lifecycle, TeachingSite
from seeds.scale import FOSHAN_CODE, PROVINCE_CODE, targets

pytestmark = pytest.mark.django_db

MODELS = {"courses": Course, "lecturers": Lecturer, "cases": Case, "sites": TeachingSite}
RESOURCES = 600


@pytest.fixture
def scaled(db):
    call_command("seed_scale", "--schools", "200", "--resources", str(RESOURCES), verbosity=0)


def test_the_tree_is_a_province_of_cities_districts_towns_and_departments(scaled):
    province = Organization.objects.get(code=PROVINCE_CODE)
    depth_of_kind = {
        kind: set(Organization.objects.filter(kind=kind).values_list("depth", flat=True))
        for kind in OrganizationKind.values
    }

    assert province.kind == OrganizationKind.PROVINCE and province.parent is None
    assert depth_of_kind == {
        OrganizationKind.PROVINCE: {0},
        OrganizationKind.MUNICIPAL: {1},
        OrganizationKind.DISTRICT: {2},
        OrganizationKind.TOWN: {3},
        OrganizationKind.DEPARTMENT: {2, 3},  # a city's departments, a district's (Foshan's)
        OrganizationKind.EXTERNAL: {0},  # another city's school stays outside the province's tree
    }
    assert Organization.objects.filter(kind=OrganizationKind.MUNICIPAL).count() > 1
    # Foshan's real network (the fixtures) is one of the cities, its paths rewritten.
    foshan = Organization.objects.get(code=FOSHAN_CODE)
    assert foshan.parent == province
    assert Organization.objects.get(code="440604010").path == "440000/440600/440604/440604010/"
    for org in Organization.objects.exclude(parent=None).select_related("parent"):
        assert org.path == f"{org.parent.path}{org.code}/"


def test_the_libraries_hold_the_requested_total_in_realistic_shares(scaled):
    counts = {key: model.objects.count() for key, model in MODELS.items()}

    assert sum(counts.values()) == RESOURCES
    assert counts == targets(RESOURCES)
    statuses = set(Course.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert Case.objects.filter(owner__kind=OrganizationKind.DEPARTMENT).exists()


def test_a_second_run_adds_nothing_and_a_larger_one_adds_the_difference(scaled):
    before = {key: model.objects.count() for key, model in MODELS.items()}
    organisations = Organization.objects.count()

    call_command("seed_scale", "--schools", "200", "--resources", str(RESOURCES), verbosity=0)
    assert {key: model.objects.count() for key, model in MODELS.items()} == before
    assert Organization.objects.count() == organisations

    call_command("seed_scale", "--resources", str(RESOURCES + 100), verbosity=0)
    assert sum(model.objects.count() for model in MODELS.values()) == RESOURCES + 100


@pytest.mark.parametrize("key", list(MODELS))
def test_search_columns_are_what_save_would_store(scaled, key):
    for obj in MODELS[key].objects.order_by("?")[:40]:
        assert (obj.search_title, obj.search_body) == search_columns(obj)


@pytest.mark.parametrize("key", list(MODELS))
def test_audiences_are_what_the_policy_derives(scaled, key):
    rows = MODELS[key].objects.select_related("owner", "audience").order_by("?")[:60]
    for obj in rows:
        assert obj.audience == audience_for(obj.owner, obj.scope)


def test_reuse_copies_have_records_and_counts(scaled):
    for key, model in MODELS.items():
        copies = model.objects.exclude(source=None)
        records = ReuseRecord.objects.filter(content_type__model=model._meta.model_name)
        assert records.count() == copies.count(), key
        for record in records[:20]:
            copy = model.objects.get(pk=record.copy_id)
            assert copy.source_id == record.source_id
            assert copy.owner_id == record.organization_id
            assert model.objects.get(pk=record.source_id).status == Status.PUBLISHED
        reused = copies.values("source").annotate(n=Count("id"))
        for row in reused:
            assert model.objects.get(pk=row["source"]).reuse_count == row["n"], key
    assert ReuseRecord.objects.exists()


def test_only_admitted_sites_are_shared_beyond_their_owner(scaled):
    shared = TeachingSite.objects.filter(status=Status.PUBLISHED).exclude(scope=Scope.PRIVATE)

    assert shared.exists()
    assert not shared.exclude(lifecycle=Lifecycle.ADMITTED).exists()


def test_a_town_teacher_sees_the_network_but_not_other_cities_unpublished_work(scaled, persona):
    teacher = persona("tA_teacher")
    visible = Course.objects.restrict(teacher, "view")

    # Another city's work stays in that city; Foshan's network-wide work reaches the town.
    assert not visible.filter(owner__path__startswith="440000/440100/").exists()
    assert visible.filter(status=Status.PUBLISHED, audience__code=FOSHAN_CODE).exists()
    assert not visible.exclude(owner__code="440604010").exclude(status=Status.PUBLISHED).exists()


def test_classes_grow_with_the_libraries_in_the_generated_cities(scaled):
    from apps.classes.models import Session, SessionLecturer, TrainingClass
    from apps.classes.policy import usable_q
    from seeds.scale import class_target

    classes = TrainingClass.objects.all()
    assert classes.count() == class_target(RESOURCES) > 0
    assert not classes.filter(host__path__contains=f"{FOSHAN_CODE}/").exists()
    assert Session.objects.count() >= 2 * classes.count() * 0.9
    for session in Session.objects.select_related("training_class__host")[:30]:
        usable = usable_q(session.training_class, orgs=[session.training_class.host])
        assert Course.objects.filter(usable, pk=session.course_id).exists()
        assert Lecturer.objects.filter(usable, session_seats__session=session).exists()
    seats = sorted(SessionLecturer.objects.values_list("lecturer_id", "starts_at", "ends_at"))
    for (a, _s, end), (b, start, _e) in itertools.pairwise(seats):
        assert a != b or start >= end  # no lecturer in two places at once

    call_command("seed_scale", "--schools", "200", "--resources", str(RESOURCES), verbosity=0)
    assert TrainingClass.objects.count() == class_target(RESOURCES)
    call_command("seed_scale", "--resources", str(RESOURCES + 200), verbosity=0)
    assert TrainingClass.objects.count() == class_target(RESOURCES + 200)


def test_a_second_run_of_classes_reads_the_slots_the_first_one_took(scaled):
    """The same draws twice (the same random seed): the second run finds the lecturers the first
    one booked taken and picks others, never one in two places (PostgreSQL would refuse the
    COPY: the exclusion constraint), and still fills its classes' timetables."""
    from apps.classes.models import Session, SessionLecturer, TrainingClass
    from seeds.scale import add_classes, class_target, load_tree

    TrainingClass.objects.all().delete()
    tree = load_tree()
    first = add_classes(RESOURCES, tree, rng=random.Random(7), progress=lambda _m: None)
    second = add_classes(2 * RESOURCES, tree, rng=random.Random(7), progress=lambda _m: None)

    assert first["classes"] == second["classes"] == class_target(RESOURCES)
    assert TrainingClass.objects.count() == class_target(2 * RESOURCES)
    assert second["sessions"] >= first["sessions"] * 0.9
    assert Session.objects.count() == first["sessions"] + second["sessions"]
    seats = sorted(SessionLecturer.objects.values_list("lecturer_id", "starts_at", "ends_at"))
    for (a, _s, end), (b, start, _e) in itertools.pairwise(seats):
        assert a != b or start >= end


def test_a_city_whose_code_is_taken_is_skipped_not_fatal(db):
    """东莞's party school is in the network as another city's school (441900); a tree of every
    generated city skips 东莞 instead of failing on its code (``make bench`` at 2,000 schools
    did)."""
    external = Organization.objects.get(code="441900")
    call_command("seed_scale", "--schools", "900", "--resources", "40", verbosity=0)

    external.refresh_from_db()
    assert external.kind == OrganizationKind.EXTERNAL and external.parent is None
    generated = Organization.objects.filter(kind=OrganizationKind.MUNICIPAL).exclude(
        code=FOSHAN_CODE
    )
    assert generated.count() == 19  # the 20 other cities of the vocabulary but 东莞
    assert not Organization.objects.filter(code__startswith="4419").exclude(pk=external.pk)
