"""A department's contact person never leaks (apps/meetings/policy.py, "a contact person").

    reader          440600-fgj (city)   440604-fgj (禅城)   440605-jcj (南海)
    muni_curator    yes                 yes                 yes
    muni_admin      yes                 yes                 yes
    muni_teacher    no                  no                  no
    dA_curator      no                  yes                 no
    dA_teacher      no                  no                  no
    tA_curator      no                  no                  no
    dept (fgj)      yes (its own)       no                  no
    441900 curator  (no directory)      —                   —
    anonymous       401

Checked on every path a contact could take: the API (list and detail, every format), the
pages, the admin, the organisations' API and the audit trail (values redacted, for everyone).
"""

import pytest
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.meetings import services
from apps.meetings.models import Partner
from apps.organizations.models import Organization

from .conftest import CITY_PHONE, DISTRICT_PHONE, OTHER_PHONE

PARTNERS = "/api/v1/partners/"
PHONES = {"440600-fgj": CITY_PHONE, "440604-fgj": DISTRICT_PHONE, "440605-jcj": OTHER_PHONE}
MATRIX = {
    "muni_curator": {"440600-fgj", "440604-fgj", "440605-jcj"},
    "muni_admin": {"440600-fgj", "440604-fgj", "440605-jcj"},
    "muni_teacher": set(),
    "dA_curator": {"440604-fgj"},
    "dA_teacher": set(),
    "tA_curator": set(),
    "dept": {"440600-fgj"},
}


@pytest.mark.parametrize("who", sorted(MATRIX))
def test_the_api_list_shows_a_contact_only_to_who_may_read_it(api, world, who):
    response = api(who).get(PARTNERS)
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert len(rows) == Organization.objects.filter(kind="department").count() >= 30
    readable = {c for c, row in rows.items() if row["contact"] is not None}
    for dept_code, phone in PHONES.items():
        if dept_code in MATRIX[who]:
            assert rows[dept_code]["contact"]["phone"] == phone
        else:
            assert rows[dept_code]["contact"] is None
            assert phone not in response.content.decode()
    assert readable >= MATRIX[who]
    # The membership is public to the network, whoever reads.
    assert rows["440600-fgj"]["member"] is True
    assert rows["440600-fgj"]["member_since"] == "2024-03-01"
    assert rows["440604-fgj"]["level"] == "district"
    assert rows["440600-fgj"]["level"] == "city"


@pytest.mark.parametrize("who", sorted(MATRIX))
@pytest.mark.parametrize("dept_code", sorted(PHONES))
def test_the_api_detail_in_every_format(api, world, who, dept_code):
    client = api(who)
    for suffix in ("", "?format=json", "?format=api"):
        response = client.get(f"{PARTNERS}{dept_code}/{suffix}")
        body = response.content.decode()
        if dept_code in MATRIX[who]:
            assert response.status_code == 200
            if not suffix:
                assert PHONES[dept_code] in body
        else:
            assert PHONES[dept_code] not in body, (who, dept_code, suffix)
    xlsx = client.get(f"{PARTNERS}{dept_code}/?format=xlsx")
    if dept_code not in MATRIX[who]:
        assert PHONES[dept_code].encode() not in xlsx.content


def test_outside_the_network_and_anonymous_see_no_directory(api, world, external_user):
    client = APIClient()
    client.force_login(external_user)
    assert client.get(PARTNERS).json() == []
    assert client.get(f"{PARTNERS}440600-fgj/").status_code == 404
    anonymous = APIClient().get(PARTNERS)
    assert anonymous.status_code == 401
    assert CITY_PHONE not in anonymous.content.decode()


@pytest.mark.parametrize("who", sorted(MATRIX))
def test_the_directory_page(browser, world, who):
    page = browser(who).get("/partners/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "佛山市发展和改革局" in body
    for dept_code, phone in PHONES.items():
        assert (phone in body) == (dept_code in MATRIX[who]), (who, dept_code)


def test_the_organisations_api_names_no_contact(api, world):
    body = api("dA_teacher").get("/api/v1/organizations/?page_size=200").content.decode()
    assert "440600-fgj" in body or "organizations" in body or body
    for phone in PHONES.values():
        assert phone not in body
    assert "陈立新" not in body


def test_the_audit_trail_records_that_a_contact_changed_never_its_value(api, world):
    client = api("muni_curator")
    changed = client.patch(
        f"{PARTNERS}440600-fgj/",
        {"contact_phone": "0757-83039999", "contact_name": "王新"},
        format="json",
    )
    assert changed.status_code == 200
    assert changed.json()["contact"]["phone"] == "0757-83039999"
    event = AuditEvent.objects.filter(object_repr="佛山市发展和改革局").latest("id")
    assert event.changes["contact_phone"] == ["[redacted]", "[redacted]"]
    assert event.changes["contact_name"] == ["[redacted]", "[redacted]"]
    everything = str(list(AuditEvent.objects.values_list("changes", flat=True)))
    for secret in ("0757-83039999", CITY_PHONE, "王新", "陈立新"):
        assert secret not in everything
    # The whole log, as the municipal admin reads it over the API: no value either.
    log = api("muni_admin").get("/api/v1/audit/?page_size=100").content.decode()
    assert "0757-83039999" not in log and "王新" not in log


def test_membership_changes_are_recorded_in_the_clear(api, world):
    response = api("muni_curator").patch(
        f"{PARTNERS}440605-jcj/", {"member": True, "member_since": "2025-01-01"}, format="json"
    )
    assert response.status_code == 200
    event = AuditEvent.objects.latest("id")
    assert event.changes["member"] == [False, True]
    assert event.changes["member_since"] == [None, "2025-01-01"]


@pytest.mark.parametrize("who", ["muni_teacher", "dA_curator", "tA_curator", "dept"])
def test_only_municipal_curators_change_a_contact_and_a_refusal_changes_nothing(api, world, who):
    before = Partner.objects.get(organization__code="440604-fgj").__dict__.copy()
    events = AuditEvent.objects.count()
    response = api(who).patch(f"{PARTNERS}440604-fgj/", {"contact_phone": "1"}, format="json")
    assert response.status_code == 403
    after = Partner.objects.get(organization__code="440604-fgj").__dict__
    assert {k: v for k, v in after.items() if k != "_state"} == {
        k: v for k, v in before.items() if k != "_state"
    }
    assert AuditEvent.objects.count() == events


def test_bad_input_names_the_field_and_changes_nothing(api, world):
    client = api("muni_curator")
    bad = client.patch(f"{PARTNERS}440600-fgj/", {"contact_email": "not-mail"}, format="json")
    assert bad.status_code == 400
    assert "contact_email" in bad.json()["errors"]
    no_date = client.patch(f"{PARTNERS}440605-jcj/", {"member": True}, format="json")
    assert no_date.status_code == 400
    assert set(no_date.json()["errors"]) == {"member_since"}
    assert Partner.objects.get(organization__code="440605-jcj").member is False
    # A department without a row yet: the refused save leaves none.
    none_yet = client.patch(f"{PARTNERS}440600-czj/", {"member": True}, format="json")
    assert none_yet.status_code == 400
    assert not Partner.objects.filter(organization__code="440600-czj").exists()


def _staff(username):
    user = User.objects.get(username=username)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.mark.parametrize(
    "who, sees", [("muni_curator", True), ("dA_curator", False), ("tA_curator", False)]
)
def test_the_admin_shows_the_city_contact_only_to_who_may_read_it(client, world, who, sees):
    client.force_login(_staff(who))
    partner = world["city_dept"]
    listing = client.get("/admin/meetings/partner/").content.decode()
    assert CITY_PHONE not in listing and "陈立新" not in listing
    page = client.get(f"/admin/meetings/partner/{partner.pk}/change/")
    assert page.status_code == 200
    assert (CITY_PHONE in page.content.decode()) is sees


@pytest.mark.parametrize("field", ["contact_phone__startswith", "contact_name__contains"])
def test_the_admin_list_cannot_be_filtered_by_a_contact(client, world, field):
    """A filter's count would tell yes or no about a contact the reader may not see."""
    client.force_login(_staff("tA_curator"))
    probe = CITY_PHONE[:8] if field.startswith("contact_phone") else "陈"
    response = client.get("/admin/meetings/partner/", {field: probe})
    # The admin refuses a lookup it does not allow (SuspiciousOperation): no list, no count.
    assert response.status_code == 400


def test_the_admin_saves_through_the_services(client, world):
    client.force_login(_staff("muni_curator"))
    partner = world["district_dept"]
    response = client.post(
        f"/admin/meetings/partner/{partner.pk}/change/",
        {
            "member": "on",
            "member_since": "2024-03-01",
            "contact_name": "黎慧敏",
            "contact_title": "",
            "contact_phone": "0757-82279999",
            "contact_email": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    partner.refresh_from_db()
    assert partner.contact_phone == "0757-82279999"
    event = AuditEvent.objects.latest("id")
    assert event.changes == {"contact_phone": ["[redacted]", "[redacted]"]}


def test_contact_ids_is_the_policy(world, persona):
    departments = list(services.departments_for(persona("dA_curator")))
    ids = services.contact_ids(persona("dA_curator"), departments)
    assert {d.code for d in departments if d.pk in ids} == {"440604-fgj", "440604-jyj"}
