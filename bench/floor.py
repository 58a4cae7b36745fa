"""The floor: what returning the same 20 rows costs with Django alone.

The same rows the town teacher's course list shows (what they may see, newest first),
read with ``.values()`` and encoded with orjson: no REST framework, no serializer, no
policy objects, no template, no session (the request carries no cookie). Every
benchmark row is reported as a share of this view's throughput.

The visibility condition is computed once per process from the benchmark persona's
memberships (``BENCH_USER``), with literal ids: the floor does the cheapest form of the
same query.
"""

import os

import orjson
from django.db.models import Q
from django.http import HttpResponse

from apps.courses.models import Course

FIELDS = ("id", "title", "status", "scope", "version", "owner__name", "updated_at")
_visible: Q | None = None


def _visible_q() -> Q:
    global _visible
    if _visible is None:
        from apps.accounts.models import Membership
        from apps.organizations.models import Organization

        username = os.environ.get("BENCH_USER", "zumiao_teacher")
        seats = Membership.objects.filter(user__username=username).select_related("organization")
        org_ids = [s.organization_id for s in seats]
        codes = {c for s in seats for c in s.organization.lineage_codes}
        lineage = list(Organization.objects.filter(code__in=codes).values_list("pk", flat=True))
        _visible = Q(owner_id__in=org_ids) | Q(status="published", audience_id__in=lineage)
    return _visible


def floor(request):
    rows = list(Course.objects.filter(_visible_q()).order_by("-id").values(*FIELDS)[:20])
    return HttpResponse(orjson.dumps({"results": rows}), content_type="application/json")
