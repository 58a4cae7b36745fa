"""The training classes' pages (班次): the list, the class form, the timetable with its session
forms, the status buttons, the printable timetable and its .xlsx — all through the services."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from apps.classes import services
from apps.classes.models import Session, SessionLecturer, SiteVisit, TrainingClass, VisitStatus
from apps.classes.services import SessionInput
from apps.organizations.models import Organization
from apps.sharing.choices import Scope, Status
from apps.taxonomy.models import ThematicDomain
from tests.conftest import ORG
from tests.factories import (
    CourseFactory,
    LecturerFactory,
    TeachingSiteFactory,
    TrainingClassFactory,
    slot,
)

pytestmark = pytest.mark.django_db

NANHAI_TOWN = "440605011"  # 桂城, tB_teacher's school: outside the 禅城 classes' reach


def tr(text) -> str:
    """An interface string as the pages show it (Chinese, or the msgid while untranslated)."""
    with translation.override("zh-hans"):
        return str(translation.gettext(text) if isinstance(text, str) else text)


def published(factory, persona, owner_code=ORG["M"], **kw):
    kw.setdefault("scope", Scope.NETWORK)
    return factory(
        owner_code=owner_code, status=Status.PUBLISHED, author=persona("muni_teacher"), **kw
    )


@pytest.fixture
def parts(persona):
    return {
        "course": published(CourseFactory, persona, title="村级工业园区改造的佛山实践"),
        "course2": published(CourseFactory, persona, title="制造业当家的金融支撑"),
        "lecturer": published(LecturerFactory, persona, title="王建国"),
        "lecturer2": published(LecturerFactory, persona, title="李晓梅"),
        "site": published(TeachingSiteFactory, persona, title="南庄陶瓷产业园", capacity=60),
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


def session_post(cls, parts, day=0, start="09:00", end="11:00", **kw):
    data = {
        "day": (cls.start_date + timedelta(days=day)).isoformat(),
        "start": start,
        "end": end,
        "course": parts["course"].pk,
        "lecturers": [parts["lecturer"].pk],
        "site": "",
        "visitors": "",
        "note": "",
    }
    data.update(kw)
    return data


def class_post(host, **kw):
    start = timezone.localdate() + timedelta(days=40)
    data = {
        "host": host.pk,
        "title": "制造业当家专题研讨班",
        "class_type": "specialised",
        "theme": "",
        "domains": [],
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=1)).isoformat(),
        "trainee_count": "45",
        "cadre_level": "section",
        "trainee_units": "各村（社区）",
        "venue": "祖庙街道党校报告厅",
        "partners": [],
    }
    data.update(kw)
    return data


# ---- sign-in and reach --------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    cls = TrainingClassFactory()
    for path in ("/classes/", "/classes/new/", f"/classes/{cls.pk}/", f"/classes/{cls.pk}/print/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/login/"), path


def test_the_navigation_links_to_the_classes(browser):
    body = browser("tA_teacher").get("/").content.decode()
    assert 'href="/classes/"' in body


def test_outsiders_get_404_everywhere_and_change_nothing(browser, persona, parts):
    cls = TrainingClassFactory()
    title = cls.title
    session = add(persona("tA_teacher"), cls, parts)
    client = browser("tB_teacher")  # a Nanhai town: the 禅城 town's class is out of reach
    for path in (
        f"/classes/{cls.pk}/",
        f"/classes/{cls.pk}/edit/",
        f"/classes/{cls.pk}/print/",
        f"/classes/{cls.pk}/timetable.xlsx",
        f"/classes/{cls.pk}/sessions/{session.pk}/edit/",
    ):
        assert client.get(path).status_code == 404, path
    posts = {
        f"/classes/{cls.pk}/sessions/new/": session_post(cls, parts, start="14:00", end="16:00"),
        f"/classes/{cls.pk}/sessions/{session.pk}/remove/": {},
        f"/classes/{cls.pk}/move/": {"status": "running"},
        f"/classes/{cls.pk}/edit/": class_post(cls.host, title="改了"),
    }
    for path, data in posts.items():
        assert client.post(path, data).status_code == 404, path
    cls.refresh_from_db()
    assert (cls.status, cls.title, cls.version) == ("planned", title, 1)
    assert list(Session.objects.filter(training_class=cls)) == [session]
    assert "制造业" not in client.get("/classes/").content.decode()


def test_the_list_shows_only_the_classes_in_reach_newest_first_and_filters(browser):
    today = timezone.localdate()
    older = TrainingClassFactory(title="去年的班", start_date=today - timedelta(days=400))
    newer = TrainingClassFactory(title="今年的班", start_date=today + timedelta(days=3))
    TrainingClassFactory(title="南海的班", host_code=NANHAI_TOWN)
    client = browser("tA_teacher")
    body = client.get("/classes/").content.decode()
    assert "南海的班" not in body
    assert body.index(newer.title) < body.index(older.title)
    assert 'href="/classes/new/"' in body

    by_year = client.get("/classes/", {"year": older.start_date.year}).content.decode()
    assert older.title in by_year and newer.title not in by_year
    TrainingClass.objects.filter(pk=newer.pk).update(status="running")
    running = client.get("/classes/", {"status": "running"}).content.decode()
    assert newer.title in running and older.title not in running
    # A district curator sees its towns' classes; a viewer may not create one.
    assert newer.title in browser("dA_curator").get("/classes/").content.decode()
    assert 'href="/classes/new/"' not in browser("tA_viewer").get("/classes/").content.decode()


# ---- the class form -----------------------------------------------------------------------------


def test_a_teacher_creates_a_class_through_the_form(browser, org):
    client = browser("tA_teacher")
    page = client.get("/classes/new/")
    assert page.status_code == 200
    hosts = list(page.context["form"].fields["host"].queryset)
    assert hosts == [org("TA")]  # only the schools this person may create classes for

    response = client.post(
        "/classes/new/",
        class_post(
            org("TA"),
            partners=[org("440604011").pk],
            domains=[ThematicDomain.objects.get(code="finance").pk],
        ),
    )
    cls = TrainingClass.objects.get(title="制造业当家专题研讨班")
    assert response.status_code == 302
    assert response["Location"] == f"/classes/{cls.pk}/"
    assert (cls.host, cls.trainee_count, cls.venue, cls.status) == (
        org("TA"),
        45,
        "祖庙街道党校报告厅",
        "planned",
    )
    assert list(cls.partners.all()) == [org("440604011")]
    assert [d.code for d in cls.domains.all()] == ["finance"]
    assert cls.created_by.username == "tA_teacher"


def test_a_refused_class_keeps_the_input_and_says_why_beside_the_field(browser, org):
    client = browser("tA_teacher")
    response = client.post(
        "/classes/new/",
        class_post(org("TA"), title="保留我的输入", partners=[org("TA").pk]),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["partners"] == [tr("The host school cannot also be a partner.")]
    body = response.content.decode()
    assert 'id="partners-error"' in body
    assert 'value="保留我的输入"' in body  # the input is kept
    assert not TrainingClass.objects.filter(title="保留我的输入").exists()

    start = timezone.localdate() + timedelta(days=10)
    backwards = client.post(
        "/classes/new/",
        class_post(
            org("TA"),
            start_date=start.isoformat(),
            end_date=(start - timedelta(days=1)).isoformat(),
        ),
    )
    assert backwards.status_code == 400
    assert "end_date" in backwards.context["form"].errors
    assert not TrainingClass.objects.exists()


def test_a_viewer_may_not_create_a_class(browser, org):
    client = browser("tA_viewer")
    assert client.get("/classes/new/").status_code == 403
    assert client.post("/classes/new/", class_post(org("TA"))).status_code == 403
    assert not TrainingClass.objects.exists()


def test_editing_a_class_keeps_the_input_when_refused(browser, persona, parts):
    cls = TrainingClassFactory()
    add(persona("tA_teacher"), cls, parts, day=1)
    client = browser("tA_teacher")
    page = client.get(f"/classes/{cls.pk}/edit/")
    assert page.status_code == 200 and "host" not in page.context["form"].fields
    data = class_post(cls.host, title="新的标题", end_date=cls.start_date.isoformat())
    data["start_date"] = cls.start_date.isoformat()
    data["version"] = cls.version
    refused = client.post(f"/classes/{cls.pk}/edit/", data)  # the day-2 session would fall out
    assert refused.status_code == 400
    assert "start_date" in refused.context["form"].errors
    assert 'value="新的标题"' in refused.content.decode()
    cls.refresh_from_db()
    assert cls.title != "新的标题" and cls.version == 1

    data["end_date"] = (cls.start_date + timedelta(days=1)).isoformat()
    assert client.post(f"/classes/{cls.pk}/edit/", data).status_code == 302
    cls.refresh_from_db()
    assert (cls.title, cls.version) == ("新的标题", 2)

    # Saved by someone else in between (version 1 was read): refused, the input kept.
    stale = client.post(f"/classes/{cls.pk}/edit/", {**data, "title": "晚到的标题"})
    assert stale.status_code == 412
    assert 'value="晚到的标题"' in stale.content.decode()
    cls.refresh_from_db()
    assert (cls.title, cls.version) == ("新的标题", 2)


# ---- the timetable ------------------------------------------------------------------------------


def test_an_editor_adds_sessions_and_sees_them_by_day(browser, parts):
    cls = TrainingClassFactory()
    client = browser("tA_teacher")
    page = client.get(f"/classes/{cls.pk}/")
    form = page.context["session_form"]
    assert set(form.fields["course"].queryset) == {parts["course"], parts["course2"]}
    assert set(form.fields["lecturers"].queryset) == {parts["lecturer"], parts["lecturer2"]}

    first = client.post(
        f"/classes/{cls.pk}/sessions/new/",
        session_post(cls, parts, note="开班式后"),
    )
    assert first.status_code == 302 and first["Location"] == f"/classes/{cls.pk}/"
    second = client.post(
        f"/classes/{cls.pk}/sessions/new/",
        session_post(
            cls,
            parts,
            day=1,
            start="14:30",
            end="17:00",
            course=parts["course2"].pk,
            lecturers=[parts["lecturer"].pk, parts["lecturer2"].pk],
            site=parts["site"].pk,
            visitors="40",
        ),
    )
    assert second.status_code == 302
    sessions = list(Session.objects.filter(training_class=cls).order_by("starts_at"))
    assert len(sessions) == 2
    assert timezone.localtime(sessions[1].starts_at).strftime("%H:%M") == "14:30"
    assert set(sessions[1].lecturers.all()) == {parts["lecturer"], parts["lecturer2"]}
    assert sessions[1].visit.site == parts["site"] and sessions[1].visit.visitors == 40
    assert sessions[0].course_version == parts["course"].version

    body = client.get(f"/classes/{cls.pk}/").content.decode()
    days = [s["date"] for s in client.get(f"/classes/{cls.pk}/").context["days"]]
    assert days == [cls.start_date, cls.end_date]
    assert f'href="/library/courses/{parts["course"].pk}/"' in body
    assert "王建国" in body and "李晓梅" in body and "开班式后" in body
    assert "visit-requested" in body  # shown clearly as unconfirmed
    assert tr("Unconfirmed: awaiting the site's confirmation") in body
    assert body.index("09:00–11:00") < body.index("14:30–17:00")


def test_a_clash_shows_its_message_beside_the_lecturers_and_creates_nothing(
    browser, persona, parts
):
    mine = TrainingClassFactory()
    theirs = TrainingClassFactory(host_code=NANHAI_TOWN, start_date=mine.start_date)
    add(persona("tB_teacher"), theirs, parts, start="09:00", end="11:00")
    client = browser("tA_teacher")
    response = client.post(
        f"/classes/{mine.pk}/sessions/new/",
        session_post(mine, parts, start="10:00", end="12:00", note="保留的备注"),
    )
    assert response.status_code == 409
    errors = response.context["session_form"].errors
    assert list(errors) == ["lecturers"]
    message = errors["lecturers"][0]
    # The other school's class is out of sight: its host is named, with the time.
    assert "王建国" in message and theirs.host.name in message and "09:00" in message
    body = response.content.decode()
    assert 'id="lecturers-error"' in body and 'value="保留的备注"' in body
    assert "clash-link" not in body  # no link to a class the reader may not see
    assert not Session.objects.filter(training_class=mine).exists()
    assert SessionLecturer.objects.count() == 1

    # With a class the teacher may see, the message names it and links to its timetable.
    other = TrainingClassFactory(title="另一个班", start_date=mine.start_date)
    booked = add(persona("tA_teacher"), other, parts, start="14:00", end="16:00")
    again = client.post(
        f"/classes/{mine.pk}/sessions/new/",
        session_post(mine, parts, start="15:00", end="17:00"),
    )
    assert again.status_code == 409
    assert "另一个班" in again.context["session_form"].errors["lecturers"][0]
    assert f'href="/classes/{other.pk}/#session-{booked.pk}"' in again.content.decode()
    assert not Session.objects.filter(training_class=mine).exists()

    # Another lecturer at that time is fine.
    resolved = client.post(
        f"/classes/{mine.pk}/sessions/new/",
        session_post(mine, parts, start="10:00", end="12:00", lecturers=[parts["lecturer2"].pk]),
    )
    assert resolved.status_code == 302
    assert Session.objects.filter(training_class=mine).count() == 1


def test_a_site_clash_is_shown_beside_the_site(browser, persona, parts):
    mine = TrainingClassFactory()
    theirs = TrainingClassFactory(host_code=NANHAI_TOWN, start_date=mine.start_date)
    add(persona("tB_teacher"), theirs, parts, site=parts["site"].pk)
    response = browser("tA_teacher").post(
        f"/classes/{mine.pk}/sessions/new/",
        session_post(mine, parts, lecturers=[parts["lecturer2"].pk], site=parts["site"].pk),
    )
    assert response.status_code == 409
    assert list(response.context["session_form"].errors) == ["site"]
    assert SiteVisit.objects.count() == 1
    assert not Session.objects.filter(training_class=mine).exists()


def test_a_session_outside_the_class_days_is_refused_beside_the_day(browser, parts):
    cls = TrainingClassFactory()
    data = session_post(cls, parts)
    data["day"] = (cls.start_date + timedelta(days=5)).isoformat()
    response = browser("tA_teacher").post(f"/classes/{cls.pk}/sessions/new/", data)
    assert response.status_code == 400
    assert "day" in response.context["session_form"].errors
    data = session_post(cls, parts, start="11:00", end="10:00")
    response = browser("tA_teacher").post(f"/classes/{cls.pk}/sessions/new/", data)
    assert response.status_code == 400
    assert "end" in response.context["session_form"].errors
    assert not Session.objects.exists()


def test_an_editor_edits_and_removes_a_session(browser, persona, parts):
    cls = TrainingClassFactory()
    session = add(persona("tA_teacher"), cls, parts)
    client = browser("tA_teacher")
    page = client.get(f"/classes/{cls.pk}/sessions/{session.pk}/edit/")
    assert page.status_code == 200
    assert page.context["form"].initial["start"].strftime("%H:%M") == "09:00"
    data = session_post(cls, parts, start="13:00", end="15:00", note="改到下午", version=1)
    assert client.post(f"/classes/{cls.pk}/sessions/{session.pk}/edit/", data).status_code == 302
    session.refresh_from_db()
    assert timezone.localtime(session.starts_at).strftime("%H:%M") == "13:00"
    assert (session.note, session.version) == ("改到下午", 2)

    stale = client.post(f"/classes/{cls.pk}/sessions/{session.pk}/edit/", {**data, "note": "旧"})
    assert stale.status_code == 412  # version 1 was read; it is now 2
    body = stale.content.decode()
    assert 'value="旧"' in body  # the input is kept, against the version now current
    assert 'name="version" value="2"' in body
    session.refresh_from_db()
    assert session.note == "改到下午"

    removed = client.post(f"/classes/{cls.pk}/sessions/{session.pk}/remove/", {"version": "2"})
    assert removed.status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()


def test_a_viewer_sees_the_timetable_without_forms_and_a_post_changes_nothing(
    browser, persona, parts
):
    cls = TrainingClassFactory()
    session = add(persona("tA_teacher"), cls, parts)
    client = browser("tA_viewer")
    response = client.get(f"/classes/{cls.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "王建国" in body
    assert response.context["session_form"] is None
    assert 'id="add-session"' not in body
    assert "/move/" not in body and "/remove/" not in body and "/edit/" not in body
    assert f"/classes/{cls.pk}/codes/" not in body  # the codes are the editors'
    assert (
        f"/classes/{cls.pk}/codes/"
        in browser("tA_teacher").get(f"/classes/{cls.pk}/").content.decode()
    )
    client = browser("tA_viewer")

    add_data = session_post(cls, parts, start="14:00", end="16:00")
    assert client.post(f"/classes/{cls.pk}/sessions/new/", add_data).status_code == 403
    assert client.post(f"/classes/{cls.pk}/move/", {"status": "running"}).status_code == 403
    assert client.post(f"/classes/{cls.pk}/sessions/{session.pk}/remove/").status_code == 403
    edit = f"/classes/{cls.pk}/sessions/{session.pk}/edit/"
    assert client.get(edit).status_code == 403
    assert client.post(edit, add_data).status_code == 403
    assert client.get(f"/classes/{cls.pk}/edit/").status_code == 403
    assert client.post(f"/classes/{cls.pk}/edit/", class_post(cls.host)).status_code == 403
    cls.refresh_from_db()
    session.refresh_from_db()
    assert (cls.status, cls.version, session.version) == ("planned", 1, 1)
    assert list(Session.objects.filter(training_class=cls)) == [session]


def test_the_status_buttons_move_the_class_for_its_curators_only(browser):
    cls = TrainingClassFactory()
    teacher = browser("tA_teacher").get(f"/classes/{cls.pk}/")
    assert teacher.context["moves"] == []  # teachers edit; curators move
    client = browser("tA_curator")
    assert [to for to, _label in client.get(f"/classes/{cls.pk}/").context["moves"]] == ["running"]
    response = client.post(f"/classes/{cls.pk}/move/", {"status": "running", "version": "1"})
    assert response.status_code == 302
    cls.refresh_from_db()
    assert (cls.status, cls.version) == ("running", 2)
    # A move the status does not allow changes nothing and says why.
    refused = client.post(f"/classes/{cls.pk}/move/", {"status": "archived"}, follow=True)
    assert [str(m) for m in refused.context["messages"]][-1] == (
        tr("A class cannot move from “%(from)s” to “%(to)s”.")
        % {"from": tr("Running"), "to": tr("Archived")}
    )
    cls.refresh_from_db()
    assert cls.status == "running"


def test_an_archived_class_offers_no_forms_and_refuses_a_session(browser, persona, parts):
    cls = TrainingClassFactory(status="archived")
    client = browser("tA_teacher")
    assert client.get(f"/classes/{cls.pk}/").context["session_form"] is None
    response = client.post(f"/classes/{cls.pk}/sessions/new/", session_post(cls, parts))
    assert response.status_code == 302
    shown = client.get(response["Location"])
    assert [str(m) for m in shown.context["messages"]] == [
        tr("An archived class cannot be changed.")
    ]
    assert not Session.objects.exists()


# ---- print and .xlsx ----------------------------------------------------------------------------


def test_the_printable_timetable(browser, persona, parts):
    cls = TrainingClassFactory(title="园区改造专题班", venue="祖庙街道党校301室")
    add(persona("tA_teacher"), cls, parts, note="带好笔记本")
    add(persona("tA_teacher"), cls, parts, day=1, start="14:00", end="16:00", site=parts["site"].pk)
    response = browser("tA_teacher").get(f"/classes/{cls.pk}/print/")
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "园区改造专题班",
        cls.host.name,
        "祖庙街道党校301室",
        "40",
        "村级工业园区改造的佛山实践",
        "王建国",
        "南庄陶瓷产业园",
        "09:00–11:00",
        "14:00–16:00",
        cls.start_date.isoformat(),
    ):
        assert text in body, text
    assert "web/classes.css" in body and "web/print.js" in body
    assert 'rowspan="1"' in body
    assert body.count('class="print-day"') == 2


def test_the_timetable_as_xlsx(browser, persona, parts):
    cls = TrainingClassFactory(title="园区改造专题班/第一期")
    add(persona("tA_teacher"), cls, parts, day=1, start="14:00", end="16:00", site=parts["site"].pk)
    add(
        persona("tA_teacher"),
        cls,
        parts,
        course=parts["course2"].pk,
        lecturers=[parts["lecturer"].pk, parts["lecturer2"].pk],
        note="开班式后",
    )
    response = browser("tA_teacher").get(f"/classes/{cls.pk}/timetable.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition.lower()
    assert "%E8%AF%BE%E8%A1%A8.xlsx" in disposition  # …-课表.xlsx, the "/" replaced

    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["课表"]
    sheet = book["课表"]
    assert sheet["A1"].value == "园区改造专题班/第一期"
    assert cls.host.name in sheet["A2"].value
    rows = [list(row) for row in sheet.iter_rows(min_row=5, values_only=True)]
    day0, day1 = cls.start_date.isoformat(), cls.end_date.isoformat()
    assert rows == [
        [day0, "09:00–11:00", "制造业当家的金融支撑", 1, "王建国、李晓梅", None, "开班式后"],
        [
            day1,
            "14:00–16:00",
            "村级工业园区改造的佛山实践",
            1,
            "王建国",
            f"南庄陶瓷产业园（{tr(VisitStatus.REQUESTED.label)}）",
            None,
        ],
    ]


# ---- query budgets ------------------------------------------------------------------------------


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_class_list_reads_in_constant_queries(browser, django_assert_max_num_queries):
    client = browser("tA_teacher")
    for _ in range(3):
        TrainingClassFactory()
    few = count_queries(client, "/classes/")
    for _ in range(30):
        TrainingClassFactory()
    many = count_queries(client, "/classes/")
    assert few == many
    with django_assert_max_num_queries(8):
        client.get("/classes/?page=2")


def test_the_timetable_reads_in_constant_queries(
    browser, persona, parts, django_assert_max_num_queries
):
    cls = TrainingClassFactory(end_date=timezone.localdate() + timedelta(days=40))
    cls.partners.set([Organization.objects.get(code="440604011")])
    client = browser("tA_teacher")
    add(persona("tA_teacher"), cls, parts, site=parts["site"].pk)
    few = count_queries(client, f"/classes/{cls.pk}/")
    for day in range(1, 9):
        lecturer = published(LecturerFactory, persona)
        site = published(TeachingSiteFactory, persona)
        course = published(CourseFactory, persona)
        add(
            persona("tA_teacher"),
            cls,
            parts,
            day=day,
            course=course.pk,
            lecturers=[lecturer.pk, parts["lecturer2"].pk],
            site=site.pk,
        )
    many = count_queries(client, f"/classes/{cls.pk}/")
    assert few == many
    with django_assert_max_num_queries(16):
        client.get(f"/classes/{cls.pk}/")
    # The print page and the workbook too.
    printed = count_queries(client, f"/classes/{cls.pk}/print/")
    with django_assert_max_num_queries(printed):
        client.get(f"/classes/{cls.pk}/print/")
    with django_assert_max_num_queries(10):
        client.get(f"/classes/{cls.pk}/timetable.xlsx")


def test_adding_a_session_writes_in_bounded_queries(browser, parts, django_assert_max_num_queries):
    cls = TrainingClassFactory()
    client = browser("tA_teacher")
    with django_assert_max_num_queries(30):
        response = client.post(
            f"/classes/{cls.pk}/sessions/new/",
            session_post(
                cls,
                parts,
                lecturers=[parts["lecturer"].pk, parts["lecturer2"].pk],
                site=parts["site"].pk,
            ),
        )
    assert response.status_code == 302
