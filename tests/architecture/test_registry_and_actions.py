"""The library registry is what the shared apps read, and named actions are observable.

The import contracts themselves are checked by ``lint-imports`` in CI (pyproject.toml);
these tests check the behaviour the architecture promises: every library's parts reach
the API, the admin, Excel and the pages through the registry, and an observer of a named
action runs inside the action's transaction.
"""

import pytest
from django.contrib import admin
from django.template.loader import get_template
from django.urls import reverse

from apps.api.attachments import AttachmentsMixin
from apps.api.exchange import ExchangeViewSetMixin
from apps.api.history import HistoryViewSetMixin
from apps.audit.models import AuditEvent
from apps.courses.models import Course
from apps.exchange.admin import ExchangeAdminMixin
from apps.exchange.columns import spec_for
from apps.sharing import actions, services
from apps.sharing.registry import libraries
from tests.factories import CourseFactory

KEYS = ["courses", "faculty", "cases", "sites"]


def test_the_four_libraries_fill_the_registry_in_menu_order():
    assert [library.key for library in libraries()] == KEYS


@pytest.mark.parametrize("key", KEYS)
def test_each_library_is_served_by_the_api_with_the_features_composed_in(key, client):
    from apps.api.urls import router

    library = next(lib for lib in libraries() if lib.key == key)
    served = next(viewset for prefix, viewset, _name in router.registry if prefix == key)
    assert issubclass(served, library.viewset)
    assert issubclass(served, ExchangeViewSetMixin)
    assert issubclass(served, HistoryViewSetMixin)
    assert issubclass(served, AttachmentsMixin) is library.attachments
    # The core's parts carry no feature: composition happens only in the API layer.
    assert not issubclass(library.viewset, (ExchangeViewSetMixin, HistoryViewSetMixin))
    assert reverse(f"{library.basename}-list") == f"/api/v1/{key}/"


@pytest.mark.parametrize("key", KEYS)
def test_each_library_is_in_the_admin_with_excel_and_its_own_sheet_and_page(key):
    library = next(lib for lib in libraries() if lib.key == key)
    registered = admin.site._registry[library.model]
    assert isinstance(registered, library.admin)
    assert isinstance(registered, ExchangeAdminMixin)
    assert spec_for(library.model).model is library.model
    assert get_template(library.detail_template)


def test_marked_handlers_become_idempotent_only_when_served():
    """The core marks which POSTs replay; the API layer gives them the behaviour."""
    from apps.api.urls import router

    library = libraries()[0]
    served = {prefix: viewset for prefix, viewset, _name in router.registry}[library.key]
    assert library.viewset.submit.idempotent is True  # a bare mark in the core
    assert served.submit.idempotent == "applied"  # wrapped by apps.api.idempotency


def test_an_observer_runs_around_every_named_action_inside_its_transaction(persona, org):
    seen = []

    def observer(spec, proceed, args, kwargs):
        seen.append(("before", spec.name))
        result = proceed()
        seen.append(("after", spec.name))
        return result

    actions.observe(observer)
    try:
        course = services.resource_create(
            Course, user=persona("tA_teacher"), owner_code="440604010", data={"title": "产业地图"}
        )
    finally:
        actions._observers.remove(observer)
    assert ("before", "create") in seen and ("after", "create") in seen
    assert AuditEvent.objects.filter(action="create", object_id=course.pk).count() == 1


def test_an_observer_that_fails_rolls_the_action_back_and_records_nothing(persona, org):
    course = CourseFactory(owner=org("TA"), author=persona("tA_teacher"), title="旧标题")
    events = AuditEvent.objects.count()

    def refuse(spec, proceed, args, kwargs):
        proceed()
        raise RuntimeError("observer failed")

    actions.observe(refuse)
    try:
        with pytest.raises(RuntimeError):
            services.resource_update(
                Course, user=persona("tA_teacher"), pk=course.pk, data={"title": "新标题"}
            )
    finally:
        actions._observers.remove(refuse)
    course.refresh_from_db()
    assert (course.title, course.version) == ("旧标题", 1)
    assert AuditEvent.objects.count() == events
