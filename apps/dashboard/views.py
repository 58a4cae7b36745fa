"""The network dashboard page (/dashboard/) and its .xlsx export.

What the page answers, for one network (a school and its subtree): what is shared,
who published it, who reused what from whom, which thematic domains lack resources,
and and the training classes held (with the manufacturing share of specialised classes).

Decisions

* Who: anyone with a school role (admin, curator, teacher, viewer) in a municipal or
  district school. The municipal school's network is the whole city; a district
  school's is its district. Curators and admins see the page as curators (each gap
  links to the admin form for a new course in that domain, if they may use the admin);
  teachers and viewers read the same numbers, marked read-only. Town and street
  schools have no network below them and departments are not schools: they, and
  users without a seat, get a friendly page with status 403 explaining who can see
  the dashboard. Anonymous users are sent to sign in. (``access.py``.)
* Which network: ``?org=<code>``; by default the widest school where the user is a
  curator or admin, else the widest where they hold any school role. Several choices
  (several seats, or a municipal seat with its districts to drill into) give a
  switcher. A code outside the choices answers 404.
* What is counted (``stats.py``): resources owned by an organisation of the subtree
  (schools and departments); "published" means status published, whatever the scope
  (a resource published for its own school only is still published work of the
  network); pending counts are shown beside them. Reuses (``ReuseRecord``) count when
  the reusing school *or* the publisher is in the subtree: a district sees what its
  schools took from the city and from each other, and what others took from it.
* The flow is aggregated by organisation (publisher → reusing school, all libraries
  together, per-library numbers in the table). A sankey cannot have cycles (city →
  district and district → city would make one) nor a school linked to itself, so each
  organisation appears twice: as a publisher on the left and as a reusing school on the
  right. A school reusing its own resource is then an ordinary link, and the table
  marks it.
* Gaps: every thematic domain in use, ranked by published resources of all four
  libraries together, fewest first; a domain with fewer than the threshold (default
  5, ``?threshold=N`` from the form on the page) is a gap. A resource counts once in
  each of its domains.
* Training classes (``apps.classes.stats``, its definitions printed beside the table and
  written into the workbook): classes held, trainee-times, sessions, hours and the
  manufacturing share (specialised classes whose theme counts as manufacturing-first, which
  admins mark on the theme, ÷ specialised classes held) for the last three calendar years,
  by the school itself and by each school right below it. This replaced a share of
  published *courses* with manufacturing domains: the brief's 60.3 % counts classes.
* Cost: a constant number of aggregate queries whatever the number of resources,
  reuses or organisations (listed in ``stats.py``; tests/dashboard checks it).
* Tables are the content; ECharts (vendored, ``static/dashboard/vendor``) draws the
  charts from ``json_script`` data when JavaScript runs. ``?format=xlsx`` (or
  ``/dashboard/export/``) returns the same tables as an .xlsx workbook, one sheet each.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.accounts.actor import actor_for

from .access import choices_for, pick
from .consultations import reports_table
from .contributions import contributions_table
from .export import XLSX_CONTENT_TYPE, workbook_bytes
from .stats import DEFAULT_GAP_THRESHOLD, collect
from .tables import build_charts, build_tables

MAX_THRESHOLD = 100_000


def _threshold(raw: str | None) -> int:
    try:
        value = int(raw) if raw not in (None, "") else DEFAULT_GAP_THRESHOLD
    except (TypeError, ValueError):
        return DEFAULT_GAP_THRESHOLD
    return min(max(value, 0), MAX_THRESHOLD)


def _gap_links(tables, network, user, is_curator: bool) -> None:
    """Curators who may use the admin get, on each gap, a link to add a course there."""
    if not (is_curator and user.is_staff):
        return
    try:
        add_course = reverse("admin:courses_course_add")
    except NoReverseMatch:
        return
    for row, domain in zip(tables["gaps"].rows, network.gaps, strict=True):
        if domain.is_gap:
            row.link = f"{add_course}?domains={domain.id}"


@login_required
@require_GET
def dashboard(request, export: bool = False):
    actor = actor_for(request.user)
    choices = choices_for(actor)
    if not choices:
        return render(request, "dashboard/forbidden.html", {"actor": actor}, status=403)
    choice = pick(choices, request.GET.get("org"))
    if choice is None:
        raise Http404("No such network for this user.")

    threshold = _threshold(request.GET.get("threshold"))
    network = collect(choice.organization, threshold=threshold)
    tables = build_tables(network)
    tables["contributions"] = contributions_table(network)  # 贡献与向上推荐
    tables["consultations"] = reports_table(network)  # 咨政报告

    if export or request.GET.get("format") == "xlsx":
        stamp = timezone.localtime().strftime("%Y%m%d")
        response = HttpResponse(workbook_bytes(network, tables), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = (
            f'attachment; filename="dashboard-{choice.code}-{stamp}.xlsx"'
        )
        # As the libraries' exports (apps.exchange.http): no shared cache keeps a copy.
        response["Cache-Control"] = "private, no-store"
        return response

    _gap_links(tables, network, request.user, choice.is_curator)
    return render(
        request,
        "dashboard/index.html",
        {
            "choice": choice,
            "choices": choices,
            "network": network,
            "tables": tables,
            "charts": build_charts(network),
            "threshold": threshold,
            "default_threshold": DEFAULT_GAP_THRESHOLD,
        },
    )


def export(request):
    """``/dashboard/export/``: the same as ``/dashboard/?format=xlsx``."""
    return dashboard(request, export=True)
