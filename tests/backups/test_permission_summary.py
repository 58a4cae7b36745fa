"""The permission summary a restore rehearsal compares (``manage.py permission_summary``)
agrees with every cell of the hand-written permission matrix, in all four libraries."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from apps.accounts.actor import actor_for
from apps.accounts.models import User
from apps.sharing.permission_summary import actions_of, permission_summary
from tests.factories import LIBRARY_FACTORIES
from tests.sharing.test_permission_matrix import COLUMNS, ROWS, make_resource

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("library", list(LIBRARY_FACTORIES))
def test_summary_letters_are_the_matrix(library, persona):
    actors = {name: actor_for(persona(name)) for name in COLUMNS if name != "anonymous"}
    for row, cells in ROWS:
        obj = make_resource(library, row, persona)
        obj = type(obj).objects.select_related("owner", "audience").get(pk=obj.pk)
        for name, actor in actors.items():
            assert actions_of(actor, obj) == cells[name].replace("·", ""), (row, name)


def test_summary_covers_every_person_and_resource(persona, django_assert_num_queries):
    course = make_resource("courses", ("TA", "published", "district"), persona)
    draft = make_resource("cases", ("TA", "draft", "private"), persona)
    people = User.objects.filter(is_active=True).count()
    # people, each one's seats, one per library
    with django_assert_num_queries(1 + people + len(LIBRARY_FACTORIES)):
        summary = permission_summary()
    assert summary["people"] == sorted(summary["people"])
    assert len(summary["people"]) == people
    shown = summary["resources"][f"courses:{course.pk}"]
    assert (shown["owner"], shown["status"], shown["scope"]) == (
        "440604010",
        "published",
        "district",
    )
    assert shown["actions"]["dA_curator"] == "VEPWUR"  # R: it may recommend it to the city
    assert "dB_curator" not in shown["actions"]  # out of sight: left out
    assert summary["resources"][f"cases:{draft.pk}"]["actions"] == {
        "tA_admin": "VEDSP",
        "tA_curator": "VEDSP",
        "tA_teacher": "VEDS",
        "tA_viewer": "V",
    }


def test_command_prints_the_summary_as_json(persona):
    course = make_resource("courses", ("M", "published", "network"), persona)
    out = StringIO()
    call_command("permission_summary", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["resources"][f"courses:{course.pk}"]["actions"]["tB_teacher"] == "VU"
