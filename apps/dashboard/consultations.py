"""Consultation reports (咨政报告) counted by year and school, for one network.

* Counted: every report owned by a school of the network (the chosen school and its
  subtree), whatever its confidentiality. The dashboard shows numbers only, never a title,
  so a restricted (限阅) report counts in its school's year like any other: how many reports a
  school wrote and how many were adopted is the network's record (the brief's 129 in three
  years), what they say is not. Who may open the dashboard is ``access.py``'s.
* Columns: reports filed (any status), adopted, of which by a leader's instruction (领导批示)
  and by a department (部门采纳), not adopted, still waiting for a decision, and of the filed
  ones how many are restricted.
* Rows: one per year (newest first) and school with any report, schools in the dashboard's
  tree order; a total row.

Cost: one aggregate query, whatever the number of reports or schools.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from apps.consultations.models import AdoptionLevel, Confidentiality, Report, ReportStatus

from .stats import Network
from .tables import INT, TEXT, Column, Table, _row

COUNTS = {
    "filed": Count("pk"),
    "adopted": Count("pk", filter=Q(status=ReportStatus.ADOPTED)),
    "instruction": Count(
        "pk",
        filter=Q(status=ReportStatus.ADOPTED, adoption_level=AdoptionLevel.INSTRUCTION),
    ),
    "department": Count(
        "pk",
        filter=Q(status=ReportStatus.ADOPTED, adoption_level=AdoptionLevel.DEPARTMENT),
    ),
    "not_adopted": Count("pk", filter=Q(status=ReportStatus.NOT_ADOPTED)),
    "waiting": Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
    "restricted": Count("pk", filter=Q(confidentiality=Confidentiality.RESTRICTED)),
}
NUMBERS = list(COUNTS)


def collect(network: Network) -> list[dict]:
    """One row per (year, school) with any report: year, school's name and the counts."""
    order = {org.id: i for i, org in enumerate(network.organizations)}
    names = {org.id: org.name for org in network.organizations}
    rows = (
        Report.objects.filter(owner_id__in=list(order))
        .annotate(year=ExtractYear("date"))
        .order_by()
        .values("year", "owner_id")
        .annotate(**COUNTS)
    )
    found = [{**row, "school": names[row["owner_id"]]} for row in rows]
    found.sort(key=lambda r: (-r["year"], order[r["owner_id"]]))
    return found


def reports_table(network: Network) -> Table:
    found = collect(network)
    kinds = [TEXT, TEXT, *([INT] * len(NUMBERS))]
    total = [_("Total"), "", *(sum(r[name] for r in found) for name in NUMBERS)]
    return Table(
        key="consultations",
        title=_("Consultation reports (咨政报告) by year and school"),
        columns=[
            Column(_("Year"), TEXT),
            Column(_("School"), TEXT),
            Column(_("Reports filed")),
            Column(_("Adopted")),
            Column(_("Leader's instruction (领导批示)")),
            Column(_("Adopted by a department (部门采纳)")),
            Column(_("Not adopted")),
            Column(_("Awaiting a decision")),
            Column(_("Of which restricted (限阅)")),
        ],
        rows=[
            _row([str(r["year"]), r["school"], *(r[name] for name in NUMBERS)], kinds)
            for r in found
        ],
        total=_row(total, kinds, css="total") if found else None,
        empty=_("No consultation report in this network yet."),
        note=_(
            "Every report of the network's schools is counted, restricted ones included, as"
            " numbers only: no title is shown here. The reports themselves are listed on the"
            " reports page, to those who may read them."
        ),
    )
