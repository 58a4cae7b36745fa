"""The list cache's buckets cover the permission matrix (``apps.sharing.content_version``).

A change raises the buckets of the resource's state; a reader's cached list reads its own.
If a reader may see a resource in some state and the two sets did not meet, a change to it
would leave that reader's list stale. Checked for every row of the permission matrix (every
owner tier, status and scope), every persona, and every library: whoever ``restrict()`` lets
see the resource reads one of the buckets its change raises.
"""

import pytest

from apps.accounts.actor import actor_for
from apps.sharing.content_version import depends_on, reader_buckets, state_buckets
from apps.sharing.policy import reach
from apps.sharing.registry import libraries
from tests.conftest import PERSONAS
from tests.factories import LIBRARY_FACTORIES

from .test_permission_matrix import ROWS, make_resource

pytestmark = pytest.mark.django_db


def raised_by(library_key, obj):
    audience_id, curators = reach(obj.status, obj.scope, obj.audience_id)
    audience = obj.audience.code if audience_id else None
    return state_buckets(library_key, obj.owner.path, audience, curators)


@pytest.mark.parametrize("library", list(LIBRARY_FACTORIES))
def test_whoever_may_see_a_resource_reads_a_bucket_its_change_raises(library, persona):
    model = LIBRARY_FACTORIES[library]._meta.model
    missed, seen = [], 0
    for row, _cells in ROWS:
        obj = make_resource(library, row, persona)
        raised = raised_by(library, obj)
        for name in PERSONAS:
            user = persona(name)
            if not model.objects.restrict(user, "view").filter(pk=obj.pk).exists():
                continue
            seen += 1
            # Its own library's lists, and every list that shows its rows.
            for reader_library in [
                lib.key for lib in libraries() if library in depends_on(lib.key)
            ]:
                if not raised & set(reader_buckets(actor_for(user), reader_library)):
                    missed.append((row, name, reader_library))
    assert seen > 50  # the matrix's V cells, not an empty loop
    assert missed == []


def test_a_draft_in_a_town_raises_nothing_another_district_reads(persona):
    obj = make_resource("courses", ("TA", "draft", "district"), persona)
    raised = raised_by("courses", obj)

    for name in ("tB_teacher", "dB_curator", "tA2_teacher", "dA_curator", "muni_curator"):
        assert not raised & set(reader_buckets(actor_for(persona(name)), "courses")), name
    assert raised & set(reader_buckets(actor_for(persona("tA_teacher")), "courses"))


def test_every_list_depends_on_its_own_library_and_the_ones_it_shows():
    # The links each library declares (courses ↔ cases, sites; sites ↔ lecturers) and the
    # course's teaching group (lecturers), both ways.
    assert depends_on("courses") == ("cases", "courses", "faculty", "sites")
    assert depends_on("cases") == ("cases", "courses")
    assert depends_on("faculty") == ("courses", "faculty", "sites")
    assert depends_on("sites") == ("courses", "faculty", "sites")
