"""The classes in the admin: the municipal admins change which themes count as
manufacturing-first (and so the share); classes and site visits are read-only and show only
what the person may see."""

from datetime import timedelta

import pytest
from django.test import Client

from apps.classes.models import ClassTheme, Session, SiteVisit, TrainingClass
from apps.classes.stats import class_stats
from tests.factories import LIBRARY_FACTORIES, TrainingClassFactory, slot

pytestmark = pytest.mark.django_db

THEMES = "/admin/classes/classtheme/"
CLASSES = "/admin/classes/trainingclass/"
VISITS = "/admin/classes/sitevisit/"


def staff(persona, name) -> Client:
    user = persona(name)
    user.is_staff = True  # as member_add sets it for curators and admins
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def held(persona):
    """Two finished specialised classes this year: one 制造业当家, one 金融赋能实体经济."""
    start = TrainingClassFactory.start_date.function() - timedelta(days=60)
    for code in ("manufacturing-first", "finance"):
        TrainingClassFactory(
            host_code="440604010",
            theme=ClassTheme.objects.get(code=code),
            status="finished",
            start_date=start,
            end_date=start + timedelta(days=1),
        )
    return start.year


def change_form(theme: ClassTheme, **changes) -> dict:
    data = {
        "code": theme.code,
        "name": theme.name,
        "name_en": theme.name_en,
        "position": theme.position,
        "is_active": "on" if theme.is_active else "",
        "manufacturing_first": "on" if theme.manufacturing_first else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_municipal_admin_flips_a_theme_and_the_share_follows(persona, held):
    finance = ClassTheme.objects.get(code="finance")
    assert class_stats(year=held).manufacturing_share == 0.5

    response = staff(persona, "muni_admin").post(
        f"{THEMES}{finance.pk}/change/", change_form(finance, manufacturing_first="on")
    )

    assert response.status_code == 302, response.content[:1000]
    assert ClassTheme.objects.get(pk=finance.pk).manufacturing_first
    assert class_stats(year=held).manufacturing_share == 1.0


@pytest.mark.parametrize("name", ["dA_curator", "tA_admin", "muni_curator"])
def test_other_curators_read_the_themes_but_cannot_change_them(persona, held, name):
    client = staff(persona, name)
    finance = ClassTheme.objects.get(code="finance")

    assert client.get(THEMES).status_code == 200
    response = client.post(
        f"{THEMES}{finance.pk}/change/", change_form(finance, manufacturing_first="on")
    )

    assert response.status_code == 403
    assert not ClassTheme.objects.get(pk=finance.pk).manufacturing_first
    assert class_stats(year=held).manufacturing_share == 0.5
    assert client.get(f"{THEMES}add/").status_code == 403


def test_themes_are_never_deleted_in_the_admin(persona):
    theme = ClassTheme.objects.get(code="finance")
    response = staff(persona, "muni_admin").post(f"{THEMES}{theme.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert ClassTheme.objects.filter(pk=theme.pk).exists()


def test_classes_are_listed_for_who_may_see_them_and_read_only(
    persona, django_assert_max_num_queries
):
    mine = TrainingClassFactory(host_code="440604010", title="祖庙的班")
    TrainingClassFactory(host_code="440605011", title="桂城的班")
    for n in range(8):
        TrainingClassFactory(host_code="440604011", title=f"石湾的班{n}")
    client = staff(persona, "tA_admin")

    # 17: the list's own queries stay flat in the number of classes (ten here); the admin's
    # sidebar asks each registered app whether the person may see it, and the demand side's
    # apps (surveys, meetings, consultations) each look at the person's seats once.
    with django_assert_max_num_queries(17):
        html = client.get(CLASSES).content.decode()
    assert "祖庙的班" in html and "桂城的班" not in html and "石湾的班" not in html
    assert "石湾的班" in staff(persona, "dA_curator").get(CLASSES).content.decode()
    assert client.get(f"{CLASSES}?q=祖庙").status_code == 200
    assert client.get(f"{CLASSES}?status__exact=planned").status_code == 200

    assert client.get(f"{CLASSES}{mine.pk}/change/").status_code == 200  # a view, no form
    response = client.post(f"{CLASSES}{mine.pk}/change/", {"title": "改名"})
    assert response.status_code == 403
    assert TrainingClass.objects.get(pk=mine.pk).title == "祖庙的班"
    assert client.get(f"{CLASSES}add/").status_code == 403
    # Out of reach: the admin's queryset is the reader's (services.classes_for), so Django's
    # change view finds nothing and answers as for an id that never existed: a 302 to the
    # admin's index with its "does not exist" message (not a 404: Django's own answer), which
    # says nothing the reader could not learn by trying any number.
    hidden = TrainingClass.objects.get(title="桂城的班")
    out_of_reach = client.get(f"{CLASSES}{hidden.pk}/change/")
    missing = client.get(f"{CLASSES}{hidden.pk + 1000}/change/")
    assert out_of_reach.status_code == missing.status_code == 302
    assert out_of_reach["Location"] == missing["Location"] == "/admin/"


def test_site_visits_are_read_only_for_the_class_and_the_sites_owner(persona):
    site = LIBRARY_FACTORIES["sites"](
        owner_code="440605", author=persona("dB_curator"), status="published", scope="network"
    )
    course = LIBRARY_FACTORIES["courses"](
        owner_code="440604010", author=persona("tA_teacher"), status="draft", scope="private"
    )
    cls = TrainingClassFactory(host_code="440604010")
    begin, end = slot(cls)
    session = Session.objects.create(
        training_class=cls, starts_at=begin, ends_at=end, course=course, course_version=1
    )
    visit = SiteVisit.objects.create(
        session=session, site=site, starts_at=begin, ends_at=end, visitors=10
    )

    for name in ("tA_admin", "dB_curator"):
        client = staff(persona, name)
        assert site.title in client.get(VISITS).content.decode()
        response = client.post(f"{VISITS}{visit.pk}/change/", {"status": "confirmed"})
        assert response.status_code == 403
    assert SiteVisit.objects.get(pk=visit.pk).status == "requested"
    assert site.title not in staff(persona, "tB_teacher").get(VISITS).content.decode()
