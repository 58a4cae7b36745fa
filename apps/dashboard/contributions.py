"""Contributions and recommendations per school (贡献与向上推荐), for one network.

* Contributions of a school or department: the resources it owns (all four libraries
  together) published beyond itself, at district or city-wide scope; of which city-wide.
  So a town's part in what the city shares is visible, whoever recommended it.
* Recommendations of a district school (向上推荐): the resources of the schools below it
  that it recommended to the city and that still carry its recommendation (a declined or
  withdrawn one no longer does), of which published city-wide (its credit, shown on the
  resource beside the owner's) and of which still waiting in the municipal review queue.

Cost: one query (an aggregate per library, in a ``UNION ALL``), whatever the number of
resources or schools (tests/dashboard checks it). Counted over the whole network, as the rest
of the dashboard: resources owned by (or recommended by) an organisation of the subtree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from apps.organizations.models import OrganizationKind
from apps.sharing.choices import Scope, Status
from apps.sharing.registry import libraries

from .stats import Network
from .tables import INT, TEXT, Column, Table, _row


@dataclass
class Contribution:
    name: str
    kind: str
    shared: int = 0  # published at district or network scope
    city_wide: int = 0
    recommended: int = 0  # as the recommending district
    recommended_published: int = 0
    recommended_waiting: int = 0

    @property
    def any(self) -> bool:
        return bool(self.shared or self.recommended)


def collect(network: Network) -> list[Contribution]:
    """One row per organisation of the network with a contribution or a recommendation, in
    the dashboard's order (schools in tree order, then departments)."""
    rows = {org.id: Contribution(org.name, org.kind) for org in network.organizations}
    ids = list(rows)
    wanted = Q(
        owner_id__in=ids, status=Status.PUBLISHED, scope__in=(Scope.DISTRICT, Scope.NETWORK)
    ) | Q(recommended_by_id__in=ids)
    grouped = [
        lib.model.objects.filter(wanted)
        .order_by()
        .values("owner_id", "recommended_by_id", "status", "scope")
        .annotate(n=Count("pk"))
        for lib in libraries()
    ]
    if not grouped:
        return []
    for row in grouped[0].union(*grouped[1:], all=True):
        n, published = row["n"], row["status"] == Status.PUBLISHED
        owner = rows.get(row["owner_id"])
        if owner is not None and published and row["scope"] != Scope.PRIVATE:
            owner.shared += n
            owner.city_wide += n if row["scope"] == Scope.NETWORK else 0
        district = rows.get(row["recommended_by_id"])
        if district is not None:
            district.recommended += n
            if published and row["scope"] == Scope.NETWORK:
                district.recommended_published += n
            elif published and row["scope"] == Scope.DISTRICT:
                district.recommended_waiting += n
    return [row for row in rows.values() if row.any]


def contributions_table(network: Network) -> Table:
    kinds = [TEXT, TEXT, INT, INT, INT, INT, INT]
    found = collect(network)
    labels = dict(OrganizationKind.choices)
    total = [
        _("Total"),
        "",
        sum(r.shared for r in found),
        sum(r.city_wide for r in found),
        sum(r.recommended for r in found),
        sum(r.recommended_published for r in found),
        sum(r.recommended_waiting for r in found),
    ]
    return Table(
        key="contributions",
        title=_("Contributions and recommendations per school"),
        columns=[
            Column(_("School or department"), TEXT),
            Column(_("Kind"), TEXT),
            Column(_("Shared beyond itself")),
            Column(_("Of which city-wide")),
            Column(_("Recommended to the city")),
            Column(_("Recommendations published city-wide")),
            Column(_("Recommendations waiting")),
        ],
        rows=[
            _row(
                [
                    r.name,
                    str(labels.get(r.kind, r.kind)),
                    r.shared,
                    r.city_wide,
                    r.recommended,
                    r.recommended_published,
                    r.recommended_waiting,
                ],
                kinds,
            )
            for r in found
        ],
        total=_row(total, kinds, css="total") if found else None,
        note=_(
            "Contributions: resources an organisation owns, published to its district or "
            "the whole city. Recommendations: resources of the schools below a "
            "district that it recommended to the city; published city-wide, they credit both "
            "the owner and the district."
        ),
        empty=_("No resource is shared beyond its owner yet."),
        definitions=[
            _("Shared beyond itself: published at district or city-wide scope, all libraries."),
            _(
                "Recommended to the city: still carrying the district's recommendation (a "
                "declined or withdrawn recommendation is no longer counted)."
            ),
        ],
    )
