"""The gap map page (/dashboard/gaps/): need per thematic domain × area, from the needs
surveys' answers, against what the network supplies (``apps.surveys.gaps``, its definitions
printed beside it), as a heat map (a table whose cells are coloured by CSS classes: no
script, no inline style), the figures in a table beside it, and an .xlsx.

Who: whoever may open the network dashboard (``access.may_see_dashboard``): the map is an
aggregate, it names no respondent. A municipal curator or admin has, on each domain, a
button that turns the gap into a call for contributions (征集) in one step
(``apps.calls.services.call_create``), then lands on the call.
"""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from apps.accounts.actor import actor_for
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.exceptions import ActionDenied, SharingError
from apps.sharing.registry import libraries
from apps.surveys import policy
from apps.surveys.gaps import DEFINITIONS, GAP_THRESHOLD, GapMap, gap_map
from apps.taxonomy.models import ThematicDomain

from .access import may_see_dashboard
from .export import XLSX_CONTENT_TYPE

CALL_DAYS = 30
CALL_SUFFIX = "短板征集"
FILLS = ["FFF7EC", "FDD49E", "FC8D59", "E34A33", "B30000"]  # heat levels 0–4


def workbook(gaps: GapMap) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Gap map")[:31]
    bold = Font(bold=True)
    head = [_("Thematic domain"), _("Resources"), _("Classes"), _("Supply")]
    for area in gaps.areas:
        head += [f"{area.short_name or area.name} · {_('need')}", f"{_('gap')}"]
    ws.append(head)
    for cell in ws[1]:
        cell.font = bold
    for row in gaps.rows:
        values = [row.domain.name, row.resources, row.classes, row.supply]
        for cell in row.cells:
            values += [cell.need, cell.gap]
        ws.append(values)
        for i, cell in enumerate(row.cells):
            if cell.level is not None:
                ws.cell(row=ws.max_row, column=6 + 2 * i).fill = PatternFill(
                    "solid", fgColor=FILLS[cell.level]
                )
    ws.freeze_panes = "B2"
    ws.column_dimensions["A"].width = 30
    about = wb.create_sheet(_("Definitions")[:31])
    about.append([_("Generated at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    for name, text in DEFINITIONS.items():
        about.append([name, str(text)])
    about.column_dimensions["B"].width = 120
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@login_required
@require_GET
def gap_map_page(request):
    actor = actor_for(request.user)
    if not may_see_dashboard(actor):
        return render(request, "dashboard/forbidden.html", {"actor": actor}, status=403)
    gaps = gap_map()
    if request.GET.get("format") == "xlsx":
        stamp = timezone.localtime().strftime("%Y%m%d")
        response = HttpResponse(workbook(gaps), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="gap-map-{stamp}.xlsx"'
        response["Cache-Control"] = "private, no-store"
        return response
    return render(
        request,
        "dashboard/gap_map.html",
        {
            "gaps": gaps,
            "definitions": DEFINITIONS.values(),
            "threshold": GAP_THRESHOLD,
            "can_call": bool(policy.call_organizations(actor)),
            "levels": range(5),
        },
    )


def _call_url(pk) -> str:
    for name in ("web:call-detail", "web:call"):
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return reverse("dashboard:gap-map")


@login_required
@require_POST
def gap_call(request, domain_pk):
    """Turn a domain's gap into a call for contributions: the topic from the domain's name,
    every kind the libraries offer, the departments and district schools invited, due in
    30 days. The call's own rules (``apps.calls.services``) decide the rest."""
    from apps.calls import services as calls

    actor = actor_for(request.user)
    municipal = policy.call_organizations(actor)
    if not municipal:
        raise PermissionDenied(_("Only the municipal school's curators turn a gap into a call."))
    domain = ThematicDomain.objects.filter(pk=domain_pk, is_active=True).first()
    if domain is None:
        raise Http404
    organization = Organization.objects.get(pk=municipal[0])
    invited = list(
        Organization.objects.subtree_of(organization)
        .filter(kind__in=(OrganizationKind.DEPARTMENT, OrganizationKind.DISTRICT))
        .order_by("path")
    )
    try:
        call = calls.call_create(
            user=request.user,
            organization=organization,
            topic=f"{domain.name}{CALL_SUFFIX}",
            description=_("Opened from the gap map: the needs surveys show a gap in this domain."),
            domains=[domain],
            kinds=[library.key for library in libraries()],
            invited=invited,
            due_on=timezone.localdate() + timedelta(days=CALL_DAYS),
        )
    except ActionDenied as exc:
        raise PermissionDenied(str(exc.message)) from None
    except SharingError as exc:
        messages.error(request, str(exc.message))
        return redirect("dashboard:gap-map")
    messages.success(request, _("Call for contributions opened for “%(d)s”.") % {"d": domain.name})
    return redirect(_call_url(call.pk))
