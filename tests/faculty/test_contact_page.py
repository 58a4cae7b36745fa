"""A lecturer's personal contact data on the lecturer's page form.

Only those ``faculty.privacy`` lets read it (curators and admins of the owning school and of
the municipal school) see the fields, filled with what is recorded; for anyone else they are
not on the page at all (not even empty), and a post carrying them changes nothing. The page
saves them through the services (``data["contact"]``), with the lecturer, in one change.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEvent
from apps.faculty.models import Lecturer, LecturerContact
from apps.organizations.models import Organization
from tests.conftest import ORG
from tests.factories import LecturerFactory
from tests.faculty.test_personal_data import CONTACT, SECRETS, contact_of, snapshot

pytestmark = pytest.mark.django_db


def org_pk(code):
    return Organization.objects.get(code=code).pk


NEW = {"phone": "13900139000", "email": "new.mail@example.cn", "id_number": "440604199001011111"}


@pytest.fixture
def lecturer(persona):
    """A draft lecturer of 祖庙街道党校, written by its teacher, with contact data."""
    obj = LecturerFactory(owner_code=ORG["TA"], author=persona("tA_teacher"), title="李伟")
    LecturerContact.objects.create(lecturer=obj, **CONTACT)
    return obj


def lecturer_fields(obj) -> dict:
    return {
        "title": obj.title,
        "kind": obj.kind_id or "",
        "employer": obj.employer,
        "position": obj.position,
        "professional_title": obj.professional_title,
        "employment": obj.employment,
        "biography": obj.biography,
        "domains": list(obj.domains.values_list("pk", flat=True)),
        "version": obj.version,
    }


def contact_post(values) -> dict:
    return {f"contact-{name}": value for name, value in values.items()}


def edit(client, obj, **extra):
    return client.post(f"/library/faculty/{obj.pk}/edit/", {**lecturer_fields(obj), **extra})


# ---- who sees the fields --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "status", "scope"),
    [
        ("tA_curator", "draft", "private"),
        ("tA_admin", "draft", "private"),
        ("muni_curator", "published", "network"),  # the municipal school's, once it is shared
    ],
)
def test_those_who_may_read_it_see_the_contact_fields_filled_in(
    reader, status, scope, lecturer, browser
):
    Lecturer.objects.filter(pk=lecturer.pk).update(status=status, scope=scope)
    if scope == "network":
        Lecturer.objects.filter(pk=lecturer.pk).update(audience_id=org_pk(ORG["M"]))
    response = browser(reader).get(f"/library/faculty/{lecturer.pk}/edit/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="contact-phone"' in body
    assert all(secret in body for secret in SECRETS)


def test_the_author_teacher_edits_the_lecturer_without_any_contact_field(lecturer, browser):
    response = browser("tA_teacher").get(f"/library/faculty/{lecturer.pk}/edit/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "contact-" not in body and "个人信息" not in body
    assert not any(secret in body for secret in SECRETS)
    assert response.context["parts"] == []


def test_a_teacher_posting_contact_fields_anyway_changes_no_contact(lecturer, browser):
    response = edit(browser("tA_teacher"), lecturer, title="李伟（改）", **contact_post(NEW))
    assert response.status_code == 302
    assert Lecturer.objects.get(pk=lecturer.pk).title == "李伟（改）"
    assert contact_of(lecturer) == CONTACT


def test_an_audience_curator_who_may_edit_but_not_read_gets_no_fields(persona, browser):
    """The district school's curator may edit a lecturer of one of its towns published to the
    district, but may not read its contact data: no fields, and a post leaves it alone."""
    obj = LecturerFactory(
        owner_code=ORG["TA"], author=persona("tA_teacher"), status="published", scope="district"
    )
    LecturerContact.objects.create(lecturer=obj, **CONTACT)
    client = browser("dA_curator")
    page = client.get(f"/library/faculty/{obj.pk}/edit/")
    assert page.status_code == 200 and "contact-" not in page.content.decode()
    response = edit(client, obj, biography="区里补充的简介", **contact_post(NEW))
    assert response.status_code == 302
    assert Lecturer.objects.get(pk=obj.pk).biography == "区里补充的简介"
    assert contact_of(obj) == CONTACT


# ---- saving ---------------------------------------------------------------------------------


def test_a_curator_changes_the_contact_with_the_lecturer_in_one_recorded_change(lecturer, browser):
    events = AuditEvent.objects.count()
    response = edit(browser("tA_curator"), lecturer, **contact_post(NEW))
    assert response.status_code == 302
    assert contact_of(lecturer) == NEW
    lecturer.refresh_from_db()
    assert lecturer.version == 2
    recorded = list(AuditEvent.objects.order_by("id")[events:])
    assert [e.action for e in recorded] == ["update"]
    assert recorded[0].changes["contact"] == ["[redacted]", "[redacted]"]
    assert not any(secret in str(recorded[0].changes) for secret in (*SECRETS, *NEW.values()))


def test_a_bad_email_is_shown_beside_its_field_with_the_input_kept(lecturer, browser):
    before = snapshot(lecturer.pk)
    response = edit(
        browser("tA_curator"),
        lecturer,
        title="李伟（新）",
        **contact_post({**NEW, "email": "不是邮箱"}),
    )
    assert response.status_code == 200
    contact = response.context["parts"][0]
    assert list(contact.errors) == ["email"]
    body = response.content.decode()
    assert 'id="id_contact-email-error"' in body
    assert NEW["phone"] in body and "李伟（新）" in body  # the input is kept
    assert snapshot(lecturer.pk) == before


def test_a_new_lecturer_with_contact_data_from_the_page(browser, org):
    client = browser("tA_curator")
    assert 'name="contact-phone"' in client.get("/library/faculty/new/").content.decode()
    response = client.post(
        "/library/faculty/new/",
        {"owner": org("TA").pk, "title": "王芳", "employment": "part_time", **contact_post(NEW)},
    )
    lecturer = Lecturer.objects.get(title="王芳")
    assert response["Location"] == f"/library/faculty/{lecturer.pk}/"
    assert contact_of(lecturer) == NEW


def test_no_empty_contact_row_from_a_page_left_blank(browser, org):
    blank = dict.fromkeys(NEW, "")
    browser("tA_curator").post(
        "/library/faculty/new/",
        {"owner": org("TA").pk, "title": "赵敏", "employment": "part_time", **contact_post(blank)},
    )
    assert not LecturerContact.objects.filter(lecturer__title="赵敏").exists()


def test_a_teacher_creates_a_lecturer_without_contact_fields(browser, org):
    client = browser("tA_teacher")
    assert "contact-" not in client.get("/library/faculty/new/").content.decode()
    client.post(
        "/library/faculty/new/",
        {"owner": org("TA").pk, "title": "钱进", "employment": "part_time", **contact_post(NEW)},
    )
    assert not LecturerContact.objects.filter(lecturer__title="钱进").exists()


# ---- what it costs --------------------------------------------------------------------------


def test_the_contact_adds_a_fixed_few_queries_to_a_save(lecturer, browser, persona):
    """Saving with the contact changed costs at most 4 queries more than saving a lecturer
    without one (``update_or_create``: its savepoint, the row, the update, the release)."""
    twin = LecturerFactory(owner_code=ORG["TA"], author=persona("tA_teacher"), title="对照")
    client = browser("tA_curator")

    def cost(obj, **extra):
        with CaptureQueriesContext(connection) as ctx:
            assert edit(client, obj, **extra).status_code == 302
        return len(ctx.captured_queries)

    alone = cost(twin, title="对照（改）")
    assert cost(lecturer, **contact_post(NEW)) <= alone + 4


# ---- the admin: the contact inline is saved with the lecturer by the services ---------------


def test_the_admin_contact_inline_is_saved_with_the_lecturer_in_one_change(
    lecturer, persona, client
):
    curator = persona("tA_curator")
    curator.is_staff = True
    curator.save(update_fields=["is_staff"])
    client.force_login(curator)
    url = f"/admin/faculty/lecturer/{lecturer.pk}/change/"
    form = client.get(url).context["adminform"].form
    row = LecturerContact.objects.get(lecturer=lecturer)
    data = {
        **{name: value for name, value in lecturer_fields(lecturer).items() if name != "version"},
        "contact-TOTAL_FORMS": 1,
        "contact-INITIAL_FORMS": 1,
        "contact-MIN_NUM_FORMS": 0,
        "contact-MAX_NUM_FORMS": 1,
        "contact-0-id": row.pk,
        "contact-0-lecturer": lecturer.pk,
        **{f"contact-0-{name}": value for name, value in NEW.items()},
        "_save": "保存",
    }
    assert set(form.fields) >= {"title", "biography"}
    events = AuditEvent.objects.count()
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["errors"],
        [f.formset.prefix for f in response.context["inline_admin_formsets"]],
    )
    assert contact_of(lecturer) == NEW
    assert Lecturer.objects.get(pk=lecturer.pk).version == 2
    recorded = list(AuditEvent.objects.order_by("id")[events:])
    assert [e.action for e in recorded] == ["update"]
    assert recorded[0].changes["contact"] == ["[redacted]", "[redacted]"]


def test_the_admin_shows_the_recorded_contact_only_to_those_who_may_read_it(persona, client):
    obj = LecturerFactory(
        owner_code=ORG["TA"], author=persona("tA_teacher"), status="published", scope="district"
    )
    LecturerContact.objects.create(lecturer=obj, **CONTACT)
    for name, shown in (("tA_curator", True), ("dA_curator", False)):
        user = persona(name)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)
        body = client.get(f"/admin/faculty/lecturer/{obj.pk}/change/").content.decode()
        assert all((secret in body) is shown for secret in SECRETS), name  # read-only here
