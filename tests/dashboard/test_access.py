"""Who may open the dashboard, on which network, and what everyone else sees."""

import pytest

from apps.accounts.models import Membership, User
from apps.organizations.models import Organization
from tests.conftest import ORG
from tests.dashboard.conftest import DASHBOARD, EXPORT

pytestmark = pytest.mark.django_db


def seated(username: str, *seats: tuple[str, str]) -> User:
    user = User.objects.create_user(username=username)
    for code, role in seats:
        Membership.objects.create(
            user=user, organization=Organization.objects.get(code=code), role=role
        )
    return user


def test_anonymous_visitors_are_sent_to_sign_in(browser):
    response = browser().get(DASHBOARD)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize(
    ("name", "network", "badge"),
    [
        ("muni_admin", ORG["M"], "Curator view"),
        ("muni_curator", ORG["M"], "Curator view"),
        ("muni_teacher", ORG["M"], "Read-only"),
        ("dA_curator", ORG["DA"], "Curator view"),
        ("dA_teacher", ORG["DA"], "Read-only"),
        ("dB_curator", ORG["DB"], "Curator view"),
    ],
)
def test_municipal_and_district_members_see_their_network(page, name, network, badge):
    result = page(name)

    assert result.response.context["choice"].code == network
    assert badge in result.html


@pytest.mark.parametrize("name", ["tA_admin", "tA_curator", "tA_teacher", "tA_viewer", "dept"])
def test_towns_and_departments_get_a_friendly_403(browser, name):
    response = browser(name).get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    text = response.content.decode()
    assert "open to the members of municipal and district schools" in text
    assert "no network of schools below them" in text
    assert 'id="table-' not in text
    assert browser(name).get(EXPORT).status_code == 403


def test_a_user_without_seats_is_told_to_ask_for_one(browser):
    client = browser()
    client.force_login(seated("nobody"))

    response = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert "ask your school's admin" in response.content.decode()


def test_default_is_the_widest_curated_school_with_a_switcher(browser):
    # Teacher at the city, curator in 禅城 and in a town: the widest *curated* school wins.
    user = seated("two_hats", (ORG["M"], "teacher"), (ORG["DA"], "curator"), (ORG["TA"], "curator"))
    client = browser()
    client.force_login(user)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert response.context["choice"].code == ORG["DA"]
    assert response.context["choice"].is_curator
    codes = [c.code for c in response.context["choices"]]
    # The seats that open a network, then the districts below the municipal seat.
    assert codes[:2] == [ORG["DA"], ORG["M"]]
    assert set(codes) == {ORG["M"], "440604", "440605", "440606", "440607", "440608"}
    assert 'name="org"' in response.content.decode()

    city = client.get(DASHBOARD, {"org": ORG["M"]})
    assert city.context["choice"].code == ORG["M"]
    assert not city.context["choice"].is_curator  # a teacher there: read-only
    nanhai = client.get(DASHBOARD, {"org": ORG["DB"]})
    assert nanhai.status_code == 200  # drill-down from the municipal seat
    assert client.get(DASHBOARD, {"org": ORG["TA"]}).status_code == 404


def test_without_a_curated_seat_the_widest_school_opens(browser):
    user = seated("reader", (ORG["DA"], "viewer"), (ORG["M"], "viewer"))
    client = browser()
    client.force_login(user)

    assert client.get(DASHBOARD).context["choice"].code == ORG["M"]


@pytest.mark.parametrize("code", [ORG["M"], ORG["DB"], ORG["TA"], "nonsense"])
def test_a_district_curator_cannot_open_other_networks(browser, code):
    response = browser("dA_curator").get(DASHBOARD, {"org": code})

    assert response.status_code == 404


def test_a_single_network_has_no_switcher(page):
    assert 'id="dash-org"' not in page("dA_curator").html
    assert 'id="dash-org"' in page("muni_curator").html  # the city and its five districts


def test_the_navigation_offers_the_dashboard_only_to_those_who_may_open_it(browser):
    link = 'href="/dashboard/"'

    assert link in browser("muni_curator").get("/").content.decode()
    assert link in browser("dA_teacher").get("/").content.decode()
    assert link not in browser("tA_teacher").get("/").content.decode()
    assert link not in browser("dept").get("/").content.decode()
    assert link not in browser().get("/").content.decode()
