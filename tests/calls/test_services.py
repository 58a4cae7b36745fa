"""The calls' services, every entry point's rules: validation naming the field, idempotent
answers, invitees who answered stay invited, the states (answered, late, waiting)."""

import datetime

import pytest

from apps.calls import services
from apps.calls.models import Call, CallAnswer
from apps.sharing.exceptions import ActionDenied, InvalidInput, InvalidTransition
from tests.calls.conftest import DEPT_A, in_days
from tests.conftest import ORG
from tests.factories import CaseFactory, CourseFactory

pytestmark = pytest.mark.django_db


def test_call_create_names_every_bad_field_at_once(persona, org):
    with pytest.raises(InvalidInput) as refused:
        services.call_create(
            user=persona("dA_curator"),
            organization=org("DA"),
            topic=" ",
            domains=[999999],
            kinds=["recipes"],
            invited=[org("DB")],
            due_on=None,
        )

    assert set(refused.value.errors) == {"topic", "domains", "kinds", "invited", "due_on"}
    assert not Call.objects.exists()


def test_a_teacher_or_a_town_may_not_publish(persona, org):
    for user, school in (("dA_teacher", "DA"), ("tA_curator", "TA")):
        with pytest.raises(ActionDenied):
            services.call_create(
                user=persona(user),
                organization=org(school),
                topic="x",
                kinds=["cases"],
                invited=[org("TA")],
                due_on=in_days(1),
            )
    assert not Call.objects.exists()


def test_an_answer_is_recorded_once_per_resource(persona, district_call):
    case = CaseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))

    first = services.answer_record(call=district_call, resource=case, user=persona("tA_teacher"))
    again = services.answer_record(call=district_call, resource=case, user=persona("tA_curator"))

    assert first.pk == again.pk
    assert CallAnswer.objects.count() == 1


def test_a_viewer_may_not_give_a_resource_in_answer(persona, district_call):
    course = CourseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))

    with pytest.raises(InvalidInput):
        services.answer_record(call=district_call, resource=course, user=persona("tA_viewer"))
    assert not CallAnswer.objects.exists()


def test_an_invitee_who_answered_stays_invited(persona, org, district_call):
    case = CaseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    services.answer_record(call=district_call, resource=case, user=persona("tA_teacher"))

    with pytest.raises(InvalidInput) as refused:
        services.call_update(
            user=persona("dA_curator"), pk=district_call.pk, data={"invited": [org(DEPT_A)]}
        )

    assert "invited" in refused.value.errors
    assert district_call.invited.count() == 2


def test_states_waiting_late_answered(persona, district_call):
    case = CaseFactory(owner_code=ORG["TA"], author=persona("tA_teacher"))
    services.answer_record(call=district_call, resource=case, user=persona("tA_teacher"))
    after_due = district_call.due_on + datetime.timedelta(days=1)

    now = {r.organization.code: r.state for r in services.invitees(district_call)}
    later = {r.organization.code: r.state for r in services.invitees(district_call, on=after_due)}

    assert now == {ORG["TA"]: "answered", DEPT_A: "waiting"}
    assert later == {ORG["TA"]: "answered", DEPT_A: "late"}


def test_a_closed_call_cannot_change_or_close_again(persona, district_call):
    services.call_close(user=persona("dA_curator"), pk=district_call.pk)

    with pytest.raises(InvalidTransition):
        services.call_close(user=persona("dA_curator"), pk=district_call.pk)
    with pytest.raises(InvalidTransition):
        services.call_update(user=persona("dA_curator"), pk=district_call.pk, data={"topic": "x"})
