"""The numbers of one network (a school and its subtree), read in a fixed number of queries.

Every figure comes from an aggregate query (``values().annotate(Count)``); the rows
returned grow with the number of organisations, domains and libraries, never with the
number of resources or reuses, and the number of queries is the same whatever the data:

    1  the organisations of the subtree
    1  the thematic domains
    4  per library, published and pending counts by owner
    4  per library, published counts by thematic domain
    1  reuses by publisher, reusing school and library
    2  training classes held and their sessions, by year and host (``apps.classes.stats``)

What is counted (the view's docstring gives the reasons):

* resources: rows of the four libraries whose owner is in the subtree; "published"
  is status published, whatever the scope; reuse copies published by the reusing
  school count as that school's resources;
* reuses: ``ReuseRecord`` rows where the reusing school *or* the publisher is in the
  subtree, so a district sees what its schools took from the city and what other
  networks took from it;
* thematic domains: a resource counts once in each of its domains;
* training classes: the figures and definitions of ``apps.classes.stats`` (classes held,
  trainee-times, sessions, hours, manufacturing share) for the last three calendar years,
  hosted by the root itself and by each school right below it (a district, or a town).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.classes.stats import ClassStats, class_stats_by_year_and_host, combine
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.choices import Status
from apps.sharing.models import ReuseRecord
from apps.sharing.registry import Library, libraries
from apps.taxonomy.models import ThematicDomain

# Training classes: this many calendar years, the current one last.
CLASS_YEARS = 3
# A domain with fewer published resources than this (all libraries together) is a gap.
DEFAULT_GAP_THRESHOLD = 5
TIERS = (
    OrganizationKind.MUNICIPAL,
    OrganizationKind.DISTRICT,
    OrganizationKind.TOWN,
    OrganizationKind.DEPARTMENT,
)


@dataclass
class Org:
    id: int
    code: str
    name: str
    kind: str
    path: str
    in_network: bool = True
    published: dict[str, int] = field(default_factory=dict)
    pending: int = 0
    times_reused: int = 0  # reuses of resources it published
    reuses_made: int = 0  # reuses it made

    @property
    def published_total(self) -> int:
        return sum(self.published.values())

    @property
    def tier_label(self) -> str:
        return str(OrganizationKind(self.kind).label)

    @property
    def is_active(self) -> bool:
        return bool(self.published_total or self.pending or self.times_reused or self.reuses_made)


@dataclass
class LibraryRow:
    library: Library
    published: int = 0
    pending: int = 0
    times_reused: int = 0  # reuses of the network's resources
    reuses_made: int = 0  # reuses made by the network's schools

    @property
    def key(self) -> str:
        return self.library.key


@dataclass
class TierRow:
    kind: str
    published: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(OrganizationKind(self.kind).label)

    @property
    def total(self) -> int:
        return sum(self.published.values())


@dataclass
class DomainRow:
    id: int | None
    code: str
    label: str
    is_active: bool = True
    position: int = 0
    published: dict[str, int] = field(default_factory=dict)
    rank: int = 0
    is_gap: bool = False

    @property
    def total(self) -> int:
        return sum(self.published.values())


@dataclass
class FlowRow:
    publisher: Org
    reuser: Org
    by_library: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_library.values())

    @property
    def is_self_reuse(self) -> bool:
        return self.publisher.id == self.reuser.id


@dataclass
class ClassRow:
    """One year's classes held, by the root itself or by one school right below it (``org``),
    or the year's total (``org`` None)."""

    year: int
    org: Org | None
    stats: ClassStats

    @property
    def label(self) -> str:
        return self.org.name if self.org else ""


@dataclass
class ClassYear:
    year: int
    rows: list[ClassRow]  # the root's own classes, then each school below in tree order
    total: ClassStats


@dataclass
class Network:
    root: Organization
    libraries: list[LibraryRow]
    tiers: list[TierRow]  # the tiers present in the subtree
    domains: list[DomainRow]  # in the taxonomy's order, plus "no domain" if any
    gaps: list[DomainRow]  # active domains, fewest published resources first
    threshold: int
    flows: list[FlowRow]  # largest first
    class_years: list[ClassYear]  # oldest first, the current year last
    classes_total: ClassStats  # the years together
    organizations: list[Org]  # the subtree, schools in tree order then departments
    members: dict[str, int] = field(default_factory=dict)  # kind → organisations below the root

    @property
    def published_total(self) -> int:
        return sum(row.published for row in self.libraries)

    @property
    def pending_total(self) -> int:
        return sum(row.pending for row in self.libraries)

    @property
    def reuse_total(self) -> int:
        return sum(row.total for row in self.flows)

    @property
    def gap_count(self) -> int:
        return sum(1 for row in self.gaps if row.is_gap)


def _label(name: str, name_en: str) -> str:
    return name_en if name_en and translation.get_language() == "en" else name


def _library_key_by_content_type() -> dict[tuple[str, str], str]:
    return {(lib.model._meta.app_label, lib.model._meta.model_name): lib.key for lib in libraries()}


def collect(root: Organization, *, threshold: int = DEFAULT_GAP_THRESHOLD) -> Network:
    """Everything the dashboard shows for ``root``'s network (13 queries, listed above)."""
    libs = libraries()
    keys = [lib.key for lib in libs]
    prefix = root.path

    orgs = _network_organizations(root, keys)
    library_rows = {lib.key: LibraryRow(lib) for lib in libs}
    tiers = _count_resources(prefix, libs, keys, orgs, library_rows)
    domains, unclassified = _count_published_by_domain(prefix, libs, keys)
    class_years = _count_classes(root, orgs)
    flows = _count_reuse_flows(prefix, keys, orgs, library_rows)

    present = {o.kind for o in orgs.values()}  # a district's network has no municipal tier
    return Network(
        root=root,
        libraries=list(library_rows.values()),
        tiers=[tiers[kind] for kind in TIERS if kind in present],
        domains=_domains_shown(domains, unclassified),
        gaps=_rank_gaps(domains, threshold),
        threshold=threshold,
        flows=flows,
        class_years=class_years,
        classes_total=combine(y.total for y in class_years),
        organizations=_organizations_shown(orgs),
        members=_members_by_tier(orgs, root),
    )


def _network_organizations(root: Organization, keys: list[str]) -> dict[int, Org]:
    """The schools and departments of ``root``'s subtree, root included, by id, each with
    zeroed counts for every library (1 query)."""
    return {
        row["id"]: Org(
            id=row["id"],
            code=row["code"],
            name=row["short_name"] or row["name"],
            kind=row["kind"],
            path=row["path"],
            published=dict.fromkeys(keys, 0),
        )
        for row in Organization.objects.subtree_of(root)
        .order_by()
        .values("id", "code", "name", "short_name", "kind", "path")
    }


def _count_resources(
    prefix: str,
    libs: list[Library],
    keys: list[str],
    orgs: dict[int, Org],
    library_rows: dict[str, LibraryRow],
) -> dict[str, TierRow]:
    """What the network shares: published and pending resources by library and owner.

    Adds them to each owning organisation and to ``library_rows``; returns the published
    counts by owner tier (municipal school, district, town or street, department) and
    library. One query per library.
    """
    tiers = {kind: TierRow(kind, dict.fromkeys(keys, 0)) for kind in TIERS}
    for lib in libs:
        rows = (
            lib.model.objects.filter(
                owner__path__startswith=prefix, status__in=[Status.PUBLISHED, Status.PENDING]
            )
            .order_by()
            .values("owner_id", "status")
            .annotate(n=Count("id"))
        )
        for row in rows:
            org = orgs.get(row["owner_id"])
            if org is None:  # cannot happen: the filter is the subtree
                continue
            if row["status"] == Status.PUBLISHED:
                org.published[lib.key] += row["n"]
                library_rows[lib.key].published += row["n"]
                tiers[org.kind].published[lib.key] += row["n"]
            else:
                org.pending += row["n"]
                library_rows[lib.key].pending += row["n"]
    return tiers


def _count_published_by_domain(
    prefix: str, libs: list[Library], keys: list[str]
) -> tuple[dict[int, DomainRow], DomainRow]:
    """What is taught: the network's published resources per thematic domain and library.

    Returns every domain of the taxonomy (active or not) by id, in the taxonomy's order,
    and a "No thematic domain" row for resources without any. A resource counts once in
    each of its domains. One query for the taxonomy, then one per library.
    """
    domains: dict[int, DomainRow] = {
        row["id"]: DomainRow(
            id=row["id"],
            code=row["code"],
            label=_label(row["name"], row["name_en"]),
            is_active=row["is_active"],
            position=row["position"],
            published=dict.fromkeys(keys, 0),
        )
        for row in ThematicDomain.objects.order_by("position", "code").values(
            "id", "code", "name", "name_en", "is_active", "position"
        )
    }
    unclassified = DomainRow(
        id=None,
        code="",
        label=gettext("No thematic domain"),
        published=dict.fromkeys(keys, 0),
    )
    for lib in libs:
        rows = (
            lib.model.objects.filter(owner__path__startswith=prefix, status=Status.PUBLISHED)
            .order_by()
            .values("domains")
            .annotate(n=Count("id"))
        )
        for row in rows:
            target = domains.get(row["domains"]) if row["domains"] is not None else unclassified
            if target is not None:
                target.published[lib.key] += row["n"]
    return domains, unclassified


def _domains_shown(domains: dict[int, DomainRow], unclassified: DomainRow) -> list[DomainRow]:
    """The domain table's rows: domains in use, and retired ones that still hold published
    resources, in the taxonomy's order; then "No thematic domain" if any resource has none."""
    rows = [d for d in domains.values() if d.is_active or d.total]
    if unclassified.total:
        rows.append(unclassified)
    return rows


def _rank_gaps(domains: dict[int, DomainRow], threshold: int) -> list[DomainRow]:
    """What is missing: the domains in use, fewest published resources first (ties in the
    taxonomy's order), each given its rank and marked as a gap below ``threshold``."""
    gaps = sorted(
        (d for d in domains.values() if d.is_active), key=lambda d: (d.total, d.position, d.code)
    )
    for rank, row in enumerate(gaps, start=1):
        row.rank = rank
        row.is_gap = row.total < threshold
    return gaps


def _count_classes(root: Organization, orgs: dict[int, Org]) -> list[ClassYear]:
    """The training classes held in the network, for each of the last ``CLASS_YEARS`` years:
    by the root itself, by each school right below it (its own classes and those of the
    schools under it), and the year's total (2 queries, ``class_stats_by_year_and_host``)."""
    this_year = timezone.localdate().year
    years = list(range(this_year - CLASS_YEARS + 1, this_year + 1))
    parts = class_stats_by_year_and_host(years=years, within=root)
    root_org = next(o for o in orgs.values() if o.id == root.pk)
    below = sorted(
        (
            o
            for o in orgs.values()
            if o.kind != OrganizationKind.DEPARTMENT
            and o.path.startswith(root.path)
            and o.path.count("/") == root.path.count("/") + 1
        ),
        key=lambda o: o.path,
    )

    def group_of(host_id: int) -> Org:
        host = orgs.get(host_id)
        if host is None:  # cannot happen: the filter is the subtree
            return root_org
        return next((o for o in below if host.path.startswith(o.path)), root_org)

    result = []
    for year in years:
        grouped: dict[int, list[ClassStats]] = {o.id: [] for o in [root_org, *below]}
        for (part_year, host_id), stats in parts.items():
            if part_year == year:
                grouped[group_of(host_id).id].append(stats)
        rows = [ClassRow(year, o, combine(grouped[o.id])) for o in [root_org, *below]]
        result.append(ClassYear(year, rows, combine(r.stats for r in rows)))
    return result


def _count_reuse_flows(
    prefix: str, keys: list[str], orgs: dict[int, Org], library_rows: dict[str, LibraryRow]
) -> list[FlowRow]:
    """Who reuses whose resources: reuses by publisher → reusing school and library, counted
    when either side is in the network, largest flow first (1 query).

    Adds "times reused" to the network's publishers and "reuses made" to its reusing
    schools, and both to ``library_rows``; organisations outside the network appear in the
    flows only.
    """
    key_for = _library_key_by_content_type()
    outside: dict[int, Org] = {}
    org_fields = ("code", "name", "short_name", "kind", "path")
    rows = (
        ReuseRecord.objects.filter(
            Q(organization__path__startswith=prefix) | Q(source_owner__path__startswith=prefix)
        )
        .order_by()
        .values(
            "source_owner_id",
            *(f"source_owner__{f}" for f in org_fields),
            "organization_id",
            *(f"organization__{f}" for f in org_fields),
            "content_type__app_label",
            "content_type__model",
        )
        .annotate(n=Count("id"))
    )
    flows: dict[tuple[int, int], FlowRow] = {}
    for row in rows:
        key = key_for.get((row["content_type__app_label"], row["content_type__model"]))
        if key is None:
            continue
        publisher = _reuse_party(row, "source_owner", orgs, outside)
        reuser = _reuse_party(row, "organization", orgs, outside)
        flow = flows.setdefault(
            (publisher.id, reuser.id), FlowRow(publisher, reuser, dict.fromkeys(keys, 0))
        )
        flow.by_library[key] += row["n"]
        if publisher.in_network:
            publisher.times_reused += row["n"]
            library_rows[key].times_reused += row["n"]
        if reuser.in_network:
            reuser.reuses_made += row["n"]
            library_rows[key].reuses_made += row["n"]
    return sorted(flows.values(), key=lambda f: (-f.total, f.publisher.path, f.reuser.path))


def _reuse_party(row: dict, side: str, orgs: dict[int, Org], outside: dict[int, Org]) -> Org:
    """One side (``source_owner`` or ``organization``) of a reuse row: the network's own
    organisation, or one organisation outside the network, built once from the row."""
    pk = row[f"{side}_id"]
    if pk in orgs:
        return orgs[pk]
    if pk not in outside:
        outside[pk] = Org(
            id=pk,
            code=row[f"{side}__code"],
            name=row[f"{side}__short_name"] or row[f"{side}__name"],
            kind=row[f"{side}__kind"],
            path=row[f"{side}__path"],
            in_network=False,
        )
    return outside[pk]


def _organizations_shown(orgs: dict[int, Org]) -> list[Org]:
    """The schools table's rows: every school of the network in tree order, then the partner
    departments that published, submitted or reused something."""
    return sorted(
        (o for o in orgs.values() if o.kind != OrganizationKind.DEPARTMENT or o.is_active),
        key=lambda o: (o.kind == OrganizationKind.DEPARTMENT, o.path),
    )


def _members_by_tier(orgs: dict[int, Org], root: Organization) -> dict[str, int]:
    """How many districts, towns or streets and departments (by tier) lie below the root."""
    return {
        kind: sum(1 for o in orgs.values() if o.kind == kind and o.id != root.pk) for kind in TIERS
    }
