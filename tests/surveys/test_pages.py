"""The surveys' pages: the builder, the links shown once, results, the respondents' page
without an account, the gap map (heat map, table, .xlsx) and turning a gap into a call."""

from io import BytesIO

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.surveys.models import Response, ResponseToken, Survey

from .helpers import links, make_survey, questions

pytestmark = pytest.mark.django_db


def test_curator_builds_opens_and_issues_links(browser):
    client = browser("dA_curator")
    page = client.get("/surveys/new/")
    assert page.status_code == 200
    created = client.post(
        "/surveys/new/",
        {"owner": "", "title": "", "audience": "schools"},
    )
    assert created.status_code == 400
    assert "has-error" in created.content.decode()
    owner = Survey._meta.get_field("owner").related_model.objects.get(code="440604")
    created = client.post(
        "/surveys/new/", {"owner": owner.pk, "title": "禅城需求调研", "audience": "schools"}
    )
    survey = Survey.objects.get(title="禅城需求调研")
    assert created.status_code == 302 and created["Location"] == f"/surveys/{survey.pk}/"
    from apps.taxonomy.models import ThematicDomain

    finance = ThematicDomain.objects.get(code="finance")
    bad = client.post(
        f"/surveys/{survey.pk}/questions/",
        {"text": "x", "domain": finance.pk, "kind": "choice", "options": "只有一个"},
    )
    assert bad.status_code == 400 and survey.questions.count() == 0
    client.post(
        f"/surveys/{survey.pk}/questions/",
        {
            "text": "金融需求",
            "domain": finance.pk,
            "kind": "choice",
            "options": "急需|100\n不需要|0",
        },
    )
    assert survey.questions.get().options == [
        {"label": "急需", "weight": 100.0},
        {"label": "不需要", "weight": 0.0},
    ]
    client.post(f"/surveys/{survey.pk}/move/", {"status": "open"})
    survey.refresh_from_db()
    assert survey.status == "open"
    shown = client.post(f"/surveys/{survey.pk}/links/", {"count": 2, "show": "1"})
    assert shown.status_code == 200 and shown["Cache-Control"] == "private, no-store"
    assert shown.content.decode().count("/s/") >= 2
    download = client.post(f"/surveys/{survey.pk}/links/", {"count": 3, "download": "1"})
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(download.content)).active
    assert sum(1 for row in sheet.iter_rows(min_row=4) if row[0].value) == 3
    assert ResponseToken.objects.filter(survey=survey).count() == 5
    assert client.get(f"/surveys/{survey.pk}/links/").content.decode().count("/s/") == 0


def test_pages_follow_the_matrix(browser, persona):
    survey = make_survey(persona("dA_curator"), owner="440604")
    for who, detail, edit in (
        ("dA_curator", 200, 200),
        ("muni_curator", 200, 403),
        ("dB_curator", 404, 404),
        ("dA_teacher", 404, 404),
        ("dept", 404, 404),
    ):
        client = browser(who)
        assert client.get(f"/surveys/{survey.pk}/").status_code == detail, who
        assert client.get(f"/surveys/{survey.pk}/results/").status_code == detail, who
        assert client.get(f"/surveys/{survey.pk}/edit/").status_code == edit, who
        assert client.post(f"/surveys/{survey.pk}/links/", {"count": 1}).status_code in (
            edit,
            302 if edit == 200 else edit,
        ), who
    assert ResponseToken.objects.filter(survey=survey).count() == 1  # the owner's only


def test_respondent_answers_once_without_an_account(client, persona):
    curator = persona("muni_curator")
    survey = make_survey(curator)
    rating, choice, text = questions(survey)
    [token] = links(curator, survey, at="440606")
    page = client.get(f"/s/{token}/")
    assert page.status_code == 200
    assert survey.title in page.content.decode()
    bad = client.post(f"/s/{token}/", {})
    assert bad.status_code == 400 and not Response.objects.exists()
    done = client.post(
        f"/s/{token}/", {f"q{rating.pk}": "4", f"q{choice.pk}": "1", f"q{text.pk}": "多些案例"}
    )
    assert done.status_code == 200 and 'class="msg success done"' in done.content.decode()
    assert Response.objects.get().area.code == "440606"
    again = client.get(f"/s/{token}/")
    assert again.status_code == 409
    assert client.get("/s/not-a-token/").status_code == 404


def test_gap_map_page_xlsx_and_access(browser, persona):
    curator = persona("muni_curator")
    survey = make_survey(curator)
    rating = questions(survey)[0]
    [token] = links(curator, survey, at="440604")
    from apps.surveys import services

    services.response_submit(token=token, answers={str(rating.pk): 5})
    page = browser("muni_curator").get("/dashboard/gaps/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="heat-cell gap-4 is-gap" data-area="440604"' in html
    assert "/dashboard/gaps/" in html and "call/" in html  # the one-step call button
    assert "call/" not in browser("dA_curator").get("/dashboard/gaps/").content.decode()
    workbook = browser("dA_teacher").get("/dashboard/gaps/?format=xlsx")
    assert workbook.status_code == 200
    sheet = load_workbook(BytesIO(workbook.content)).active
    assert sheet["A1"].value and sheet.max_row >= 6
    assert browser("tA_curator").get("/dashboard/gaps/").status_code == 403
    assert browser("dept").get("/dashboard/gaps/").status_code == 403


def test_gap_becomes_a_call_in_one_step(browser, persona):
    from apps.calls.models import Call
    from apps.taxonomy.models import ThematicDomain

    domain = ThematicDomain.objects.get(code="industrial-system")
    refused = browser("dA_curator").post(f"/dashboard/gaps/{domain.pk}/call/")
    assert refused.status_code == 403 and not Call.objects.exists()
    made = browser("muni_curator").post(f"/dashboard/gaps/{domain.pk}/call/")
    assert made.status_code == 302
    call = Call.objects.get()
    assert call.topic == "建设现代化产业体系短板征集"
    assert list(call.domains.values_list("code", flat=True)) == ["industrial-system"]
    assert call.organization.code == "440600"
    assert set(call.kinds) == {"courses", "faculty", "cases", "sites"}
    invited = set(call.invited.values_list("kind", flat=True))
    assert invited == {"department", "district"}
    assert (call.due_on - timezone.localdate()).days == 30
    try:  # the call's page, once the calls' pages are routed
        landing = reverse("web:call-detail", args=[call.pk])
    except NoReverseMatch:
        landing = "/dashboard/gaps/"
    assert made["Location"] == landing


def test_guessing_links_on_the_page_locks_the_address(client, persona, monkeypatch):
    from apps.classes import guard

    curator = persona("muni_curator")
    survey = make_survey(curator)
    [token] = links(curator, survey)
    monkeypatch.setattr(guard, "EVALUATE_MAX_FAILURES", 2)
    assert client.get("/s/guess-1/").status_code == 404
    assert client.get("/s/guess-2/").status_code == 404
    assert client.get(f"/s/{token}/").status_code == 429  # even a good link, from here
    rating = questions(survey)[0]
    assert client.post(f"/s/{token}/", {f"q{rating.pk}": "3"}).status_code == 429
    assert not Response.objects.exists()
