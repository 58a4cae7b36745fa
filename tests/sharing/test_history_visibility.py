"""The history of a resource names other resources only where the reader may see them.

In the spirit of the permission matrix: one course at each step of its way up, linked to a
case and copied from a source whose titles only some readers may see, read by a persona at
every tier — on the page (the history panel) and through the API (``history/``). A reader
who may not see the linked case or the source never finds its title, wherever the history
is shown; one who may, finds it on the page.

    page     200 the course's page, 404 out of sight
    panel    whether the page shows the history panel
    titles   whether the panel names the linked case and the source (else "一项您无权查看的资源")
    api      the status of GET …/history/ (403: may see the course, not its history)
"""

import pytest
from django.utils import translation

from apps.audit.access import HIDDEN_RESOURCE
from apps.cases.models import Case
from apps.courses.models import Course
from apps.sharing import services
from apps.sharing.choices import Scope, Status
from tests.conftest import ORG
from tests.factories import CaseFactory, CourseFactory

pytestmark = pytest.mark.django_db

CASE_TITLE = "某镇未公开的征地纠纷案例"
SOURCE_TITLE = "本校课程底稿"  # the copy starts with it: part of the copy's own history
SOURCE_NOW = "本校课程底稿（修订中，未公开）"  # what the source is called by now

# (course status, scope), reader: page, panel, titles, api
PENDING_DISTRICT = [
    ("muni_curator", 404, False, False, 404),  # a pending district submission is not theirs
    ("dA_curator", 200, True, False, 200),  # reviews it; the linked case is private to 祖庙
    ("dA_teacher", 404, False, False, 404),
    ("tA_admin", 200, True, True, 200),  # the owner's curators see the private case
    ("tA_curator", 200, True, True, 200),
    ("tA_teacher", 200, False, False, 403),  # the author: no history panel
    ("tA_viewer", 200, False, False, 403),
    ("tA2_teacher", 404, False, False, 404),
    ("dB_curator", 404, False, False, 404),
    ("tB_teacher", 404, False, False, 404),
    ("dept", 404, False, False, 404),
]
PUBLISHED_NETWORK = [
    ("muni_admin", 200, True, False, 200),  # curator of the audience, not of the case
    ("muni_curator", 200, True, False, 200),
    ("muni_teacher", 200, False, False, 403),
    ("dA_curator", 200, False, False, 403),  # neither owner nor audience
    ("tA_curator", 200, True, True, 200),
    ("tA_teacher", 200, False, False, 403),
    ("tA2_teacher", 200, False, False, 403),
    ("dB_curator", 200, False, False, 403),
    ("tB_teacher", 200, False, False, 403),
    ("dept", 200, False, False, 403),
]
ROWS = [
    pytest.param((Status.PENDING, Scope.DISTRICT), *row, id=f"pending-district|{row[0]}")
    for row in PENDING_DISTRICT
] + [
    pytest.param((Status.PUBLISHED, Scope.NETWORK), *row, id=f"published-network|{row[0]}")
    for row in PUBLISHED_NETWORK
]


@pytest.fixture
def course(persona):
    """A 祖庙 teacher's course, copied from a course 祖庙 published to itself only (仅本校),
    linked to a 祖庙 draft case, then sent up; every step recorded in its history."""

    def make(status, scope):
        teacher = persona("tA_teacher")
        source = CourseFactory(
            owner_code=ORG["TA"],
            author=teacher,
            title=SOURCE_TITLE,
            status=Status.PUBLISHED,
            scope=Scope.PRIVATE,
        )
        copy = services.resource_reuse(Course, user=teacher, pk=source.pk, target_code=ORG["TA"])
        Course.objects.filter(pk=source.pk).update(title=SOURCE_NOW)
        case = CaseFactory(owner_code=ORG["TA"], author=teacher, title=CASE_TITLE)
        services.resource_update(Course, user=teacher, pk=copy.pk, data={"cases": [case.pk]})
        services.resource_submit(Course, user=teacher, pk=copy.pk, scope=scope)
        if status == Status.PUBLISHED:
            services.resource_publish(Course, user=persona("muni_curator"), pk=copy.pk, scope=scope)
        return Course.objects.get(pk=copy.pk), case

    return make


@pytest.mark.parametrize(("state", "reader", "page", "panel", "titles", "api_status"), ROWS)
def test_history_names_linked_resources_only_for_readers_who_may_see_them(
    state, reader, page, panel, titles, api_status, course, persona, browser, api
):
    obj, case = course(*state)
    may_see = Case.objects.restrict(persona(reader), "view").filter(pk=case.pk).exists()
    assert titles == (panel and may_see), "the row contradicts the policy"

    response = browser(reader).get(f"/library/courses/{obj.pk}/")
    assert response.status_code == page
    body = response.content.decode()
    if page == 200:
        history = response.context["history"]
        assert (history is not None) == panel
        if panel:
            shown = _changes(history)
            hidden = str(HIDDEN_RESOURCE)
            assert (("cases", CASE_TITLE) in shown) == titles
            assert (("cases", hidden) in shown) == (not titles)
            # The source of the copy: named on the reuse that made it, in the same way.
            assert (("source", SOURCE_NOW) in shown) == titles
            assert (("source", hidden) in shown) == (not titles)
    if not may_see:  # nowhere on the page, then
        assert CASE_TITLE not in body
        assert SOURCE_NOW not in body

    history = api(reader).get(f"/api/v1/courses/{obj.pk}/history/")
    assert history.status_code == api_status
    # The API's history gives ids, never titles, to every reader.
    assert CASE_TITLE not in history.content.decode()
    assert SOURCE_NOW not in history.content.decode()
    if api_status == 200:
        links = [
            e["changes"]["cases"] for e in history.json()["results"] if "cases" in e["changes"]
        ]
        assert links == [[[], [case.pk]]]


def test_the_hidden_label_is_chinese_first():
    with translation.override("zh-hans"):
        assert str(HIDDEN_RESOURCE) == "一项您无权查看的资源"


def _changes(history) -> set[tuple[str, str]]:
    """(field, shown value) for every before and after on the panel, field by its code."""
    names = {
        str(f.verbose_name): f.name for f in Course._meta.get_fields() if hasattr(f, "verbose_name")
    }
    shown = set()
    for item in history:
        for change in item["changes"]:
            field = names.get(str(change["field"]), str(change["field"]))
            for value in (change["before"], change["after"]):
                for part in str(value).split(", "):
                    shown.add((field, part))
    return shown
