"""In a real browser: a municipal curator issues one-time links for a needs survey, tagged
with 南海's district school; two respondents (no account) answer through the links; the
curator's gap map then shows the heat in 南海's cell for manufacturing (制造业), and the
table beside it the need and the answers."""

import pytest
from playwright.sync_api import expect

from apps.organizations.models import Organization
from apps.surveys import services
from apps.surveys.models import Response
from apps.taxonomy.models import ThematicDomain

from .steps import assert_chinese, sign_in

pytestmark = pytest.mark.browser

NANHAI = "440605"


def test_answers_through_links_colour_the_gap_map(world, context, page, shot, settings):
    settings.GAP_MAP_MIN_ANSWERS = 2  # two respondents below: the least the map shows
    curator = world.user("muni_curator")
    industry = ThematicDomain.objects.get(code="industrial-system")
    survey = services.survey_create(
        user=curator,
        owner=Organization.objects.get(code="440600"),
        data={"title": "制造业培训需求调研", "audience": "schools"},
    )
    question = services.question_add(
        user=curator,
        survey_pk=survey.pk,
        data={"text": "制造业方面的培训需求程度？", "domain": industry, "kind": "rating"},
    )
    services.survey_move(user=curator, pk=survey.pk, status="open")

    # The curator issues two links for 南海's district school on the links page.
    sign_in(page, "muni_curator")
    page.goto(f"/surveys/{survey.pk}/links/")
    assert_chinese(page)
    page.locator("input[name=count]").fill("2")
    page.locator("select[name=organization]").select_option(
        str(Organization.objects.get(code=NANHAI).pk)
    )
    with page.expect_navigation():
        page.locator("form.issue-links button[name=show]").click()
    urls = page.locator("a.survey-link")
    expect(urls).to_have_count(2)
    links = [urls.nth(i).inner_text().strip() for i in range(2)]
    shot(page, "links")

    # Two respondents, not signed in, answer 5 and 4 on their phones.
    context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 800})
    for link, rating in zip(links, (5, 4), strict=True):
        page.goto(link)
        expect(page.locator(".anonymous")).to_be_visible()
        page.locator(f"#q{question.pk} label", has_text=str(rating)).first.click()
        with page.expect_navigation():
            page.locator("form.survey-answer button[type=submit]").click()
        expect(page.locator("p.done")).to_be_visible()
    shot(page, "answered")
    page.goto(links[0])  # spent
    expect(page.locator("p.msg.error")).to_be_visible()
    assert Response.objects.filter(survey=survey, area__code=NANHAI).count() == 2

    # The curator's gap map: 南海's manufacturing cell is hot (need 87.5, no supply).
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "muni_curator")
    page.goto("/dashboard/gaps/")
    assert_chinese(page)
    cell = page.locator(f"#gap-heat tr[data-domain='industrial-system'] td[data-area='{NANHAI}']")
    expect(cell).to_have_class("heat-cell gap-4 is-gap")
    expect(cell).to_have_text("88")
    other = page.locator("#gap-heat tr[data-domain='industrial-system'] td[data-area='440606']")
    expect(other).to_have_class("heat-cell gap-none")
    expect(page.locator("#gap-cells")).to_contain_text("87.5")
    shot(page, "gap-map")
