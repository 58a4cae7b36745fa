"""The rules of classes and timetables, through the services every entry point calls."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from apps.accounts.models import Membership
from apps.classes import services
from apps.classes.exceptions import ScheduleClash
from apps.classes.models import (
    Evaluation,
    Session,
    SessionLecturer,
    SiteVisit,
    TrainingClass,
    VisitStatus,
)
from apps.classes.services import SessionInput
from apps.sharing.choices import Scope
from apps.sharing.exceptions import ActionDenied, InvalidInput, InvalidTransition, ResourceNotFound
from tests.factories import (
    CourseFactory,
    LecturerFactory,
    TeachingSiteFactory,
    TrainingClassFactory,
    author_at,
    published,
    slot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def parts():
    return {
        "course": published(CourseFactory),
        "lecturer": published(LecturerFactory),
        "lecturer2": published(LecturerFactory),
        "site": published(TeachingSiteFactory, capacity=50),
    }


def add(user, cls, parts, day=0, start="09:00", end="11:00", **kw):
    begin, finish = slot(cls, day, start, end)
    data = SessionInput(
        starts_at=begin,
        ends_at=finish,
        course=kw.pop("course", parts["course"].pk),
        lecturers=kw.pop("lecturers", [parts["lecturer"].pk]),
        **kw,
    )
    return services.session_add(user=user, class_pk=cls.pk, data=data)


def test_a_session_records_the_course_version_it_taught(persona, parts):
    cls = TrainingClassFactory()
    session = add(persona("tA_teacher"), cls, parts)
    assert session.course_version == parts["course"].version
    assert list(session.lecturers.all()) == [parts["lecturer"]]


def test_a_course_the_host_may_not_use_is_refused_naming_the_field(persona, parts):
    cls = TrainingClassFactory()
    private_elsewhere = CourseFactory(
        owner_code="440605011", author=author_at("440605011")
    )  # a Nanhai town's draft
    with pytest.raises(InvalidInput) as refused:
        add(persona("tA_teacher"), cls, parts, course=private_elsewhere.pk)
    assert "course" in refused.value.errors
    assert not Session.objects.exists()


def test_a_district_publication_reaches_its_towns_not_other_districts(persona, parts):
    chancheng = published(CourseFactory, "440604", scope=Scope.DISTRICT)
    cls = TrainingClassFactory()  # a 禅城 town
    assert add(persona("tA_teacher"), cls, parts, course=chancheng.pk).course == chancheng
    nanhai_class = TrainingClassFactory(host_code="440605011")
    with pytest.raises(InvalidInput):
        add(
            persona("tB_teacher"),
            nanhai_class,
            parts,
            course=chancheng.pk,
            start="13:00",
            end="15:00",
        )


def test_a_lecturer_in_two_overlapping_sessions_of_any_school_is_a_409_naming_the_clash(
    persona, parts
):
    mine = TrainingClassFactory()
    theirs = TrainingClassFactory(host_code="440605011", start_date=mine.start_date)
    first = add(persona("tB_teacher"), theirs, parts, start="09:00", end="11:00")
    with pytest.raises(ScheduleClash) as clash:
        add(persona("tA_teacher"), mine, parts, start="10:00", end="12:00")
    assert clash.value.status_code == 409
    assert "lecturers" in clash.value.errors
    # The other school's class is out of the teacher's sight: its host is named, not its title.
    assert clash.value.clash["class"] is None and clash.value.clash["host"] == theirs.host.name
    assert clash.value.clash["starts_at"] == timezone.localtime(first.starts_at).isoformat()
    assert Session.objects.filter(training_class=mine).count() == 0
    assert SessionLecturer.objects.count() == 1
    # Back to back is not a clash: slots are half-open.
    add(persona("tA_teacher"), mine, parts, start="11:00", end="12:00")


def test_a_visible_clash_names_the_class_and_session(persona, parts):
    cls = TrainingClassFactory()
    first = add(persona("tA_teacher"), cls, parts)
    with pytest.raises(ScheduleClash) as clash:
        add(persona("tA_teacher"), cls, parts, start="10:30", end="11:30")
    assert clash.value.clash["class"] == cls.pk
    assert clash.value.clash["session"] == first.pk
    assert cls.title in str(clash.value.message)


def test_a_site_takes_one_visit_at_a_time_and_a_declined_visit_frees_the_slot(persona, parts):
    cls = TrainingClassFactory()
    other = TrainingClassFactory(host_code="440604011", start_date=cls.start_date)
    add(persona("tA_teacher"), cls, parts, site=parts["site"].pk)
    with pytest.raises(ScheduleClash) as clash:
        add(
            persona("tA2_teacher"),
            other,
            parts,
            lecturers=[parts["lecturer2"].pk],
            site=parts["site"].pk,
        )
    assert "site" in clash.value.errors
    visit = SiteVisit.objects.get()
    services.visit_decide(
        user=persona("muni_curator"), pk=visit.pk, confirm=False, reason="闭园检修"
    )
    session = add(
        persona("tA2_teacher"),
        other,
        parts,
        lecturers=[parts["lecturer2"].pk],
        site=parts["site"].pk,
    )
    assert session.visit.status == VisitStatus.REQUESTED


def test_a_visit_beyond_the_sites_capacity_is_refused(persona, parts):
    cls = TrainingClassFactory(trainee_count=80)  # the site takes 50
    with pytest.raises(InvalidInput) as refused:
        add(persona("tA_teacher"), cls, parts, site=parts["site"].pk)
    assert "visitors" in refused.value.errors
    assert not Session.objects.exists()
    add(persona("tA_teacher"), cls, parts, site=parts["site"].pk, visitors=45)


def test_only_the_site_owner_answers_a_visit_and_declining_needs_a_reason(persona, parts):
    cls = TrainingClassFactory()
    add(persona("tA_teacher"), cls, parts, site=parts["site"].pk)
    visit = SiteVisit.objects.get()
    with pytest.raises(ResourceNotFound):
        services.visit_decide(user=persona("tA_teacher"), pk=visit.pk, confirm=True)
    with pytest.raises(ActionDenied):
        services.visit_decide(user=persona("muni_teacher"), pk=visit.pk, confirm=True)
    with pytest.raises(InvalidInput):
        services.visit_decide(user=persona("muni_curator"), pk=visit.pk, confirm=False)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.REQUESTED
    services.visit_decide(user=persona("muni_curator"), pk=visit.pk, confirm=True)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CONFIRMED


def test_moving_a_session_asks_the_site_again(persona, parts):
    cls = TrainingClassFactory()
    session = add(persona("tA_teacher"), cls, parts, site=parts["site"].pk)
    services.visit_decide(user=persona("muni_curator"), pk=session.visit.pk, confirm=True)
    begin, finish = slot(cls, 1, "14:00", "16:00")
    moved = services.session_update(
        user=persona("tA_teacher"),
        class_pk=cls.pk,
        pk=session.pk,
        data=SessionInput(
            begin, finish, parts["course"].pk, [parts["lecturer"].pk], site=parts["site"].pk
        ),
        expected_version=1,
    )
    assert moved.visit.status == VisitStatus.REQUESTED
    assert SessionLecturer.objects.get().starts_at == begin
    with pytest.raises(services.VersionMismatch):
        services.session_update(
            user=persona("tA_teacher"),
            class_pk=cls.pk,
            pk=session.pk,
            data=SessionInput(begin, finish, parts["course"].pk, [parts["lecturer"].pk]),
            expected_version=1,
        )


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("tA_viewer", ActionDenied),  # a member who only views
        ("dA_curator", ActionDenied),  # the district above sees, does not change
        ("tA2_teacher", ResourceNotFound),  # a neighbouring town: out of sight
        ("dept", ResourceNotFound),
    ],
)
def test_who_may_change_a_timetable(persona, parts, who, refusal):
    cls = TrainingClassFactory()
    with pytest.raises(refusal):
        add(persona(who), cls, parts)
    assert not Session.objects.exists()


def test_an_archived_class_cannot_change(persona, parts):
    cls = TrainingClassFactory()
    for status in ("running", "finished", "archived"):
        cls = services.class_move(user=persona("tA_curator"), pk=cls.pk, status=status)
    with pytest.raises(InvalidTransition):
        add(persona("tA_teacher"), cls, parts)
    with pytest.raises(InvalidTransition):
        services.class_move(user=persona("tA_curator"), pk=cls.pk, status="running")
    assert TrainingClass.objects.get(pk=cls.pk).status == "archived"


def test_a_session_outside_the_class_days_is_refused(persona, parts):
    cls = TrainingClassFactory()
    with pytest.raises(InvalidInput) as refused:
        add(persona("tA_teacher"), cls, parts, day=5)
    assert "starts_at" in refused.value.errors


def test_partner_schools_see_the_class_and_outsiders_do_not(persona, parts):
    cls = TrainingClassFactory(host_code="440600")
    cls.partners.set([cls.host.__class__.objects.get(code="441900")])
    from apps.accounts.models import Membership, User

    dongguan = User.objects.create_user(username="dg_teacher")
    Membership.objects.create(user=dongguan, organization_id=cls.partners.get().pk, role="teacher")
    assert services.class_get(dongguan, cls.pk) == cls
    with pytest.raises(ResourceNotFound):
        services.class_get(persona("tB_teacher"), TrainingClassFactory(host_code="440604010").pk)
    assert services.class_get(persona("muni_admin"), TrainingClassFactory().pk)
    # Another city's school sees none of the libraries.
    from apps.courses.models import Course

    assert not Course.objects.restrict(dongguan, "view").exists()


def test_a_code_answers_each_session_once_anonymously(persona, parts):
    cls = TrainingClassFactory(start_date=timezone.localdate() - timedelta(days=1))
    session = add(persona("tA_teacher"), cls, parts)
    (code,) = services.codes_issue(user=persona("tA_teacher"), class_pk=cls.pk, count=1)
    services.evaluation_submit(code=code.code.lower(), session_pk=session.pk, content=5, delivery=4)
    with pytest.raises(InvalidTransition):
        services.evaluation_submit(code=code.code, session_pk=session.pk, content=1, delivery=1)
    with pytest.raises(InvalidInput) as refused:
        services.evaluation_submit(code=code.code, session_pk=session.pk, content=6, delivery=0)
    assert set(refused.value.errors) == {"content", "delivery"}
    with pytest.raises(ResourceNotFound):
        services.evaluation_submit(code="NOSUCHCO", session_pk=session.pk, content=5, delivery=5)
    assert Evaluation.objects.count() == 1
    assert Evaluation.objects.get().content == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's exclusion constraints")
def test_the_database_itself_refuses_overlapping_rows(persona, parts):
    from django.db import IntegrityError, transaction

    cls = TrainingClassFactory()
    session = add(persona("tA_teacher"), cls, parts)
    with pytest.raises(IntegrityError, match="session_lecturer_no_overlap"), transaction.atomic():
        SessionLecturer.objects.create(
            session=Session.objects.create(
                training_class=cls,
                starts_at=session.starts_at + timedelta(minutes=30),
                ends_at=session.ends_at + timedelta(minutes=30),
                course=parts["course"],
                course_version=1,
            ),
            lecturer=parts["lecturer"],
            starts_at=session.starts_at + timedelta(minutes=30),
            ends_at=session.ends_at + timedelta(minutes=30),
        )


def test_a_visit_request_tells_the_site_owner_and_the_answer_tells_the_host(persona, parts):
    from apps.jobs.queue import run_due_jobs
    from apps.notifications.models import Kind, Notification
    from apps.notifications.texts import describe

    cls = TrainingClassFactory()
    session = add(persona("tA_teacher"), cls, parts, site=parts["site"].pk)
    run_due_jobs()
    asked = Notification.objects.filter(kind=Kind.VISIT_REQUESTED)
    assert set(asked.values_list("recipient__username", flat=True)) == {
        "muni_admin",
        "muni_curator",
    }  # the site owner's curators; the teacher who asked is not told
    assert cls.host.name in describe(asked.first())
    services.visit_decide(
        user=persona("muni_curator"), pk=session.visit.pk, confirm=False, reason="闭园检修"
    )
    run_due_jobs()
    answered = Notification.objects.filter(kind=Kind.VISIT_DECIDED)
    # The host's teachers and curators (not its viewer, not the curator who answered).
    assert set(answered.values_list("recipient__username", flat=True)) == {
        "tA_admin",
        "tA_curator",
        "tA_teacher",
    }
    assert "闭园检修" in describe(answered.first())


def test_every_change_is_in_the_audit_trail_and_a_refused_one_is_not(persona, parts):
    from apps.audit.models import AuditEvent

    cls = services.class_create(
        user=persona("tA_curator"),
        host=TrainingClassFactory().host,
        data={
            "title": "乡村振兴专题班",
            "start_date": timezone.localdate(),
            "end_date": timezone.localdate() + timedelta(days=1),
            "trainee_count": 30,
        },
    )
    session = add(persona("tA_teacher"), cls, parts)
    services.class_move(user=persona("tA_curator"), pk=cls.pk, status="running")
    with pytest.raises(ScheduleClash):
        add(persona("tA_teacher"), cls, parts, start="10:00", end="12:00")
    events = AuditEvent.objects.filter(content_type__app_label="classes").order_by("id")
    assert [(e.action, e.content_type.model, e.username) for e in events] == [
        ("create", "trainingclass", "tA_curator"),
        ("create", "session", "tA_teacher"),
        ("update", "trainingclass", "tA_curator"),
    ]
    assert events[1].changes["lecturers"] == [parts["lecturer"].pk]
    assert events[1].object_id == session.pk
    assert events[2].changes == {"status": ["planned", "running"]}


def test_naming_a_partner_of_this_city_opens_none_of_its_unpublished_work(persona, parts):
    from apps.organizations.models import Organization

    cls = TrainingClassFactory()  # a 禅城 town
    cls.partners.set([Organization.objects.get(code="440605")])  # 南海, named by the host
    nanhai_draft = CourseFactory(owner_code="440605", author=author_at("440605"))
    nanhai_district = published(CourseFactory, "440605", scope=Scope.DISTRICT)
    for course in (nanhai_draft, nanhai_district):
        with pytest.raises(InvalidInput) as refused:
            add(persona("tA_teacher"), cls, parts, course=course.pk)
        assert "course" in refused.value.errors
    assert not Session.objects.exists()


def test_a_school_of_another_city_lends_what_it_published_and_hosts_nothing(persona, parts):
    from apps.accounts.models import User
    from apps.organizations.models import Organization

    dongguan = Organization.objects.get(code="441900")
    teacher = User.objects.create_user(username="dg_teacher2")
    Membership.objects.create(user=teacher, organization=dongguan, role="teacher")
    Membership.objects.create(
        user=User.objects.create_user(username="dg_curator2"), organization=dongguan, role="curator"
    )
    joint = TrainingClassFactory(host_code="440600")
    joint.partners.set([dongguan])
    published_there = published(CourseFactory, "441900", scope=Scope.PRIVATE)
    draft_there = CourseFactory(owner_code="441900", author=teacher)
    assert add(persona("muni_teacher"), joint, parts, course=published_there.pk)
    with pytest.raises(InvalidInput):
        add(
            persona("muni_teacher"), joint, parts, course=draft_there.pk, start="14:00", end="16:00"
        )
    # Without the partnership, even what it published is out of reach.
    alone = TrainingClassFactory(host_code="440600", start_date=joint.start_date)
    with pytest.raises(InvalidInput):
        add(
            persona("muni_teacher"),
            alone,
            parts,
            course=published_there.pk,
            lecturers=[parts["lecturer2"].pk],
        )
    with pytest.raises(ActionDenied):
        services.class_create(
            user=teacher,
            host=dongguan,
            data={
                "title": "东莞自办班",
                "start_date": joint.start_date,
                "end_date": joint.end_date,
                "trainee_count": 20,
            },
        )
    assert TrainingClass.objects.filter(host=dongguan).count() == 0


@pytest.mark.parametrize(
    ("start", "end", "day_end"),
    [("09:00", "09:00", 0), ("08:00", "21:00", 0), ("20:00", "02:00", 2)],
    ids=["empty", "longer-than-12-hours", "past-the-last-day"],
)
def test_a_session_is_at_most_twelve_hours_and_ends_within_the_class(
    persona, parts, start, end, day_end
):
    cls = TrainingClassFactory()  # two days
    begin, _ = slot(cls, 1 if day_end else 0, start, start)
    _, finish = slot(cls, day_end, end, end)
    with pytest.raises(InvalidInput) as refused:
        services.session_add(
            user=persona("tA_teacher"),
            class_pk=cls.pk,
            data=SessionInput(begin, finish, parts["course"].pk, [parts["lecturer"].pk]),
        )
    assert "ends_at" in refused.value.errors
    assert not Session.objects.exists() and not SessionLecturer.objects.exists()


def test_an_evaluated_session_keeps_what_was_rated_and_its_class_cannot_be_deleted(persona, parts):
    cls = TrainingClassFactory(start_date=timezone.localdate() - timedelta(days=1))
    session = add(persona("tA_teacher"), cls, parts)
    (code,) = services.codes_issue(user=persona("tA_teacher"), class_pk=cls.pk, count=1)
    services.evaluation_submit(code=code.code, session_pk=session.pk, content=1, delivery=1)
    other = published(CourseFactory)
    for change in (
        {"course": other.pk},
        {"lecturers": [parts["lecturer2"].pk]},
        {"starts_at": session.starts_at + timedelta(hours=1)},
    ):
        data = SessionInput(
            change.get("starts_at", session.starts_at),
            session.ends_at + timedelta(hours=1 if "starts_at" in change else 0),
            change.get("course", parts["course"].pk),
            change.get("lecturers", [parts["lecturer"].pk]),
        )
        with pytest.raises(InvalidTransition):
            services.session_update(
                user=persona("tA_teacher"), class_pk=cls.pk, pk=session.pk, data=data
            )
    session.refresh_from_db()
    assert (session.course_id, session.version) == (parts["course"].pk, 1)
    assert list(session.lecturers.all()) == [parts["lecturer"]]
    # The note may still change.
    services.session_update(
        user=persona("tA_teacher"),
        class_pk=cls.pk,
        pk=session.pk,
        data=SessionInput(
            session.starts_at,
            session.ends_at,
            parts["course"].pk,
            [parts["lecturer"].pk],
            note="补充",
        ),
    )
    with pytest.raises(InvalidTransition):
        services.class_delete(user=persona("tA_curator"), pk=cls.pk)
    assert Evaluation.objects.count() == 1 and TrainingClass.objects.filter(pk=cls.pk).exists()


def test_codes_are_new_and_their_issue_is_audited(persona, parts, monkeypatch):
    from apps.audit.models import AuditEvent

    cls = TrainingClassFactory()
    first = services.codes_issue(user=persona("tA_teacher"), class_pk=cls.pk, count=3)
    taken = [c.code for c in first]
    draws = iter([*taken, "NEWCODE2", "NEWCODE3", "NEWCODE4"])  # the first draws collide
    monkeypatch.setattr(services, "_new_code", lambda: next(draws))
    again = services.codes_issue(user=persona("tA_teacher"), class_pk=cls.pk, count=3)
    assert sorted(c.code for c in again) == ["NEWCODE2", "NEWCODE3", "NEWCODE4"]
    issued = AuditEvent.objects.filter(changes__has_key="evaluation_codes_issued")
    assert issued.count() == 2
