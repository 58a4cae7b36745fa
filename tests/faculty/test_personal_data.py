"""A lecturer's personal contact data (个人信息) through the faculty API.

apps/faculty/privacy.py states the rule: only curators and admins of the owning
school and of the municipal school above it may read it; never teachers, viewers,
other schools (not even the district school above the owner) or departments;
never in lists or search results; a reuse copy never carries it. Whoever may edit
a lecturer may write the contact, without necessarily being allowed to read it back.
"""

import pytest
from django.forms.models import model_to_dict

from apps.faculty.models import Lecturer, LecturerContact
from apps.sharing.models import ReuseRecord
from tests.conftest import ORG
from tests.factories import LecturerFactory

pytestmark = pytest.mark.django_db

FACULTY = "/api/v1/faculty/"
TB = "440605011"
CONTACT = {"phone": "13800138000", "email": "li.wei@example.cn", "id_number": "440604198001011234"}
SECRETS = tuple(CONTACT.values())

MAY_READ = ["tA_curator", "tA_admin", "muni_curator", "muni_admin"]
# Everyone else who can see a network-published lecturer of 祖庙 (dA_curator: the
# district school above the owner is neither the owner nor the municipal school).
MAY_NOT_READ = [
    "tA_teacher",
    "tA_viewer",
    "dA_curator",
    "tB_teacher",
    "dept",
    "muni_teacher",
    "dA_teacher",
    "tA2_teacher",
    "dB_curator",
]
EVERY_READER = MAY_READ + MAY_NOT_READ


def url(obj_or_id, action=None):
    pk = getattr(obj_or_id, "pk", obj_or_id)
    return f"{FACULTY}{pk}/" + (f"{action}/" if action else "")


def contact_of(lecturer):
    row = LecturerContact.objects.filter(lecturer=lecturer).first()
    return {k: getattr(row, k) for k in CONTACT} if row else None


def snapshot(pk):
    lecturer = Lecturer.objects.filter(pk=pk).first()
    return (
        model_to_dict(lecturer) if lecturer else None,
        contact_of(lecturer) if lecturer else None,
        Lecturer.objects.count(),
        LecturerContact.objects.count(),
        ReuseRecord.objects.count(),
    )


def assert_no_secret(response):
    text = response.content.decode()
    for secret in SECRETS:
        assert secret not in text, (secret, text)


@pytest.fixture
def published(persona):
    """A network-published lecturer of 祖庙街道党校 with contact data."""
    lecturer = LecturerFactory(
        owner_code=ORG["TA"],
        author=persona("tA_teacher"),
        status="published",
        scope="network",
        title="李伟",
    )
    LecturerContact.objects.create(lecturer=lecturer, **CONTACT)
    return lecturer


def list_items(client, **params):
    response = client.get(FACULTY, {"page_size": 100, **params})
    assert response.status_code == 200, response.content
    assert response.json()["next"] is None
    return response, response.json()["results"]


# ---- reading a single lecturer -------------------------------------------------------------


@pytest.mark.parametrize("reader", MAY_READ)
def test_curators_of_the_owner_and_of_the_municipal_school_read_the_contact(reader, published, api):
    response = api(reader).get(url(published))

    assert response.status_code == 200, response.content
    assert response.json()["contact"] == CONTACT


@pytest.mark.parametrize("reader", MAY_NOT_READ)
def test_everyone_else_reads_the_lecturer_without_any_contact_key(reader, published, api):
    response = api(reader).get(url(published))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == published.pk
    assert body["name"] == "李伟"
    assert "contact" not in body
    assert_no_secret(response)


def test_a_curator_reads_null_when_no_contact_was_recorded(persona, api):
    lecturer = LecturerFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))

    response = api("tA_curator").get(url(lecturer))

    assert response.status_code == 200, response.content
    assert response.json()["contact"] is None


def test_a_district_lecturers_contact_is_read_by_its_own_and_the_municipal_curators(persona, api):
    lecturer = LecturerFactory(
        owner_code=ORG["DA"], author=persona("dA_teacher"), status="published", scope="network"
    )
    LecturerContact.objects.create(lecturer=lecturer, **CONTACT)

    muni = api("muni_curator").get(url(lecturer))
    owner = api("dA_curator").get(url(lecturer))
    other_district = api("dB_curator").get(url(lecturer))
    town_below = api("tA_curator").get(url(lecturer))

    assert muni.json()["contact"] == CONTACT
    assert owner.json()["contact"] == CONTACT
    for response in (other_district, town_below):
        assert response.status_code == 200, response.content
        assert "contact" not in response.json()
        assert_no_secret(response)


# ---- lists and search ----------------------------------------------------------------------


@pytest.mark.parametrize("reader", EVERY_READER)
def test_no_list_response_ever_carries_the_contact(reader, published, api):
    response, items = list_items(api(reader))

    [item] = [item for item in items if item["id"] == published.pk]
    assert item["name"] == "李伟"
    assert "contact" not in item
    assert all("contact" not in other for other in items)
    assert_no_secret(response)


@pytest.mark.parametrize("reader", ["tA_curator", "muni_curator"])
def test_filtered_lists_do_not_carry_the_contact_either(reader, published, api):
    response, items = list_items(api(reader), owner=ORG["TA"], q="李伟")

    assert [item["id"] for item in items] == [published.pk]
    assert "contact" not in items[0]
    assert_no_secret(response)


@pytest.mark.parametrize("reader", ["tA_teacher", "tA_viewer", "tB_teacher", "dept"])
@pytest.mark.parametrize("secret", SECRETS, ids=list(CONTACT))
def test_searching_by_contact_data_finds_nothing(reader, secret, published, api):
    client = api(reader)

    _, by_name = list_items(client, q="李伟")
    response, by_secret = list_items(client, q=secret)

    assert [item["id"] for item in by_name] == [published.pk]
    assert by_secret == []
    assert_no_secret(response)


@pytest.mark.parametrize("reader", ["tA_teacher", "tB_teacher"])
def test_contact_data_cannot_be_probed_by_filtering_or_ordering(reader, published, persona, api):
    later = LecturerFactory(
        owner_code=ORG["TA"], author=persona("tA_teacher"), status="published", scope="network"
    )
    LecturerContact.objects.filter(lecturer=published).update(phone="100")
    LecturerContact.objects.create(lecturer=later, phone="200")
    client = api(reader)

    _, by_default = list_items(client)
    _, filtered = list_items(client, **{"contact__phone": "100", "contact": "100"})
    _, ordered = list_items(client, ordering="contact__phone")

    expected = [later.pk, published.pk]
    assert [i["id"] for i in by_default] == expected
    assert [i["id"] for i in filtered] == expected
    assert [i["id"] for i in ordered] == expected


# ---- reuse ---------------------------------------------------------------------------------


def test_a_reuse_copy_carries_no_contact_row(published, persona, api):
    contacts_before = LecturerContact.objects.count()

    response = api("tB_teacher").post(url(published, "reuse"), {"owner": TB}, format="json")

    assert response.status_code == 201, response.content
    copy = Lecturer.objects.get(pk=response.json()["id"])
    assert (copy.owner.code, copy.source_id, copy.title) == (TB, published.pk, "李伟")
    assert "contact" not in response.json()
    assert_no_secret(response)
    assert not LecturerContact.objects.filter(lecturer=copy).exists()
    assert LecturerContact.objects.count() == contacts_before
    assert contact_of(published) == CONTACT


def test_a_curator_reusing_into_their_own_school_gets_a_copy_without_contact(published, api):
    response = api("tA_curator").post(url(published, "reuse"), {"owner": ORG["TA"]}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["contact"] is None
    assert not LecturerContact.objects.filter(lecturer_id=response.json()["id"]).exists()


# ---- writing the contact -------------------------------------------------------------------


def test_a_teacher_editing_their_draft_writes_the_contact_but_never_reads_it_back(persona, api):
    lecturer = LecturerFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    teacher = api("tA_teacher")

    response = teacher.patch(url(lecturer), {"contact": CONTACT}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["version"] == lecturer.version + 1
    assert "contact" not in response.json()
    assert_no_secret(response)
    assert contact_of(lecturer) == CONTACT
    again = teacher.get(url(lecturer))
    assert "contact" not in again.json()
    assert_no_secret(again)
    assert api("tA_curator").get(url(lecturer)).json()["contact"] == CONTACT


def test_the_owner_curator_writes_the_contact_and_reads_it_in_the_response(persona, api):
    lecturer = LecturerFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    LecturerContact.objects.create(lecturer=lecturer, phone="0757-0000000")

    response = api("tA_curator").patch(
        url(lecturer), {"contact": {"phone": CONTACT["phone"]}}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["contact"] == {"phone": CONTACT["phone"], "email": "", "id_number": ""}
    assert contact_of(lecturer) == {"phone": CONTACT["phone"], "email": "", "id_number": ""}
    assert LecturerContact.objects.filter(lecturer=lecturer).count() == 1


@pytest.mark.parametrize("editor", ["tA_teacher", "tB_teacher", "tA_curator"])
def test_someone_who_may_not_edit_the_lecturer_cannot_overwrite_its_contact(editor, published, api):
    before = snapshot(published.pk)

    response = api(editor).patch(
        url(published), {"contact": {"phone": "10086", "email": ""}}, format="json"
    )

    assert response.status_code == 403, response.content
    assert_no_secret(response)
    assert snapshot(published.pk) == before


def test_an_out_of_sight_editor_gets_404_and_the_contact_stays(persona, api):
    lecturer = LecturerFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    LecturerContact.objects.create(lecturer=lecturer, **CONTACT)
    before = snapshot(lecturer.pk)

    response = api("tB_teacher").patch(url(lecturer), {"contact": {"phone": "1"}}, format="json")

    assert response.status_code == 404, response.content
    assert_no_secret(response)
    assert snapshot(lecturer.pk) == before


def test_a_teacher_creating_a_lecturer_stores_the_contact_without_seeing_it(api):
    count = LecturerContact.objects.count()

    response = api("tA_teacher").post(
        FACULTY, {"owner": ORG["TA"], "title": "张三", "contact": CONTACT}, format="json"
    )

    assert response.status_code == 201, response.content
    assert "contact" not in response.json()
    assert_no_secret(response)
    assert contact_of(Lecturer.objects.get(pk=response.json()["id"])) == CONTACT
    assert LecturerContact.objects.count() == count + 1


def test_an_invalid_email_is_400_naming_it_and_changes_nothing(persona, api):
    lecturer = LecturerFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    LecturerContact.objects.create(lecturer=lecturer, **CONTACT)
    before = snapshot(lecturer.pk)

    response = api("tA_curator").patch(
        url(lecturer), {"title": "改名", "contact": {"email": "不是邮箱"}}, format="json"
    )

    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == {"contact.email"}
    assert snapshot(lecturer.pk) == before
