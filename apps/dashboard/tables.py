"""The dashboard's tables, built once and rendered twice: as HTML and as .xlsx sheets.

The page and the export read the same ``Table`` objects, so the workbook always
holds the numbers the page shows. Charts get their own small payloads
(``charts``), passed to the page with ``json_script``; the tables stay the
primary content and the page reads fine without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from apps.classes.stats import DEFINITIONS, ClassStats

from .stats import Network

INT, TEXT, PERCENT, DECIMAL = "int", "text", "percent", "decimal"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = INT

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


@dataclass(frozen=True)
class Cell:
    value: object  # int, float (a fraction for percentages), str or None
    kind: str = INT

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        if self.kind == PERCENT:
            return format_percent(self.value)
        if self.kind == DECIMAL and float(self.value).is_integer():
            return str(int(self.value))  # as a spreadsheet shows 8.0
        return str(self.value)

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


@dataclass
class Row:
    cells: list[Cell]
    css: str = ""  # "gap", "self", "total" …
    link: str = ""  # curators only: where to fill a gap (HTML only)


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row]
    note: str = ""
    total: Row | None = None
    empty: str = field(default="")
    definitions: list[str] = field(default_factory=list)  # printed beside the numbers

    @property
    def has_links(self) -> bool:
        return any(row.link for row in self.rows)

    @property
    def all_rows(self) -> list[Row]:
        return [*self.rows, self.total] if self.total else list(self.rows)


def format_percent(fraction: float) -> str:
    return f"{fraction * 100:.1f}%"


def _row(values: list, kinds: list[str], **kwargs) -> Row:
    return Row([Cell(v, k) for v, k in zip(values, kinds, strict=True)], **kwargs)


@dataclass(frozen=True)
class _Libraries:
    """The four libraries (courses, faculty, cases, sites) as columns, in registry order.

    Worked out once per dashboard and shared by every table that has a column per library.
    """

    keys: list[str]
    columns: list[Column]


def _libraries(network: Network) -> _Libraries:
    libs = [row.library for row in network.libraries]
    return _Libraries(
        keys=[lib.key for lib in libs], columns=[Column(str(lib.label)) for lib in libs]
    )


def build_tables(network: Network) -> dict[str, Table]:
    """Every table of the dashboard, by key, in the order the page and the workbook show them."""
    libraries = _libraries(network)
    return {
        "libraries": _libraries_table(network),
        "tiers": _tiers_table(network, libraries),
        "domains": _domains_table(network, libraries),
        "gaps": _gaps_table(network),
        "flows": _flows_table(network, libraries),
        "classes": _classes_table(network),
        "schools": _schools_table(network, libraries),
    }


def _libraries_table(network: Network) -> Table:
    """What the network shares, per library: its published and pending resources, how often
    any school reused them, and how often its own schools reused a resource; with totals."""
    kinds = [TEXT, INT, INT, INT, INT]
    return Table(
        key="libraries",
        title=_("Resources by library"),
        columns=[
            Column(_("Library"), TEXT),
            Column(_("Published")),
            Column(_("Pending review")),
            Column(_("Times reused")),
            Column(_("Reuses made")),
        ],
        rows=[
            _row(
                [str(r.library.label), r.published, r.pending, r.times_reused, r.reuses_made],
                kinds,
            )
            for r in network.libraries
        ],
        total=_row(
            [
                _("Total"),
                sum(r.published for r in network.libraries),
                sum(r.pending for r in network.libraries),
                sum(r.times_reused for r in network.libraries),
                sum(r.reuses_made for r in network.libraries),
            ],
            kinds,
            css="total",
        ),
        note=_(
            "Published and pending resources owned by the schools and departments of this "
            "network. Times reused: reuses of this network's resources, by any school. "
            "Reuses made: reuses by this network's schools, from any publisher."
        ),
    )


def _tiers_table(network: Network, libraries: _Libraries) -> Table:
    """Who publishes: published resources by the owner's tier (municipal school, district,
    town or street, department) and library, with totals."""
    keys = libraries.keys
    kinds = [TEXT, *[INT] * len(keys), INT]
    return Table(
        key="tiers",
        title=_("Published resources by tier"),
        columns=[Column(_("Tier"), TEXT), *libraries.columns, Column(_("Total"))],
        rows=[
            _row([t.label, *[t.published[k] for k in keys], t.total], kinds) for t in network.tiers
        ],
        total=_row(
            [
                _("Total"),
                *[sum(t.published[k] for t in network.tiers) for k in keys],
                sum(t.total for t in network.tiers),
            ],
            kinds,
            css="total",
        ),
        note=_("The tier is the owner's: municipal school, district, town or street, department."),
    )


def _domains_table(network: Network, libraries: _Libraries) -> Table:
    """What is taught: published resources per thematic domain and library. Domains no longer
    in use are marked, and resources without a domain come last, muted."""
    keys = libraries.keys
    kinds = [TEXT, *[INT] * len(keys), INT]
    return Table(
        key="domains",
        title=_("Published resources by thematic domain"),
        columns=[Column(_("Thematic domain"), TEXT), *libraries.columns, Column(_("Total"))],
        rows=[
            _row(
                [
                    d.label if d.is_active else _("%(domain)s (not in use)") % {"domain": d.label},
                    *[d.published[k] for k in keys],
                    d.total,
                ],
                kinds,
                css="" if d.id is not None else "muted",
            )
            for d in network.domains
        ],
        note=_(
            "A resource counts once in each of its thematic domains, so the rows add up to "
            "more than the number of resources."
        ),
    )


def _gaps_table(network: Network) -> Table:
    """What is missing: the thematic domains in use, fewest published resources first, those
    below the threshold marked as gaps to fill."""
    return Table(
        key="gaps",
        title=_("Thematic domains with few resources"),
        columns=[
            Column(_("Rank"), INT),
            Column(_("Thematic domain"), TEXT),
            Column(_("Published resources")),
            Column(_("Gap to fill"), TEXT),
        ],
        rows=[
            _row(
                [d.rank, d.label, d.total, _("Yes") if d.is_gap else _("No")],
                [INT, TEXT, INT, TEXT],
                css="gap" if d.is_gap else "",
            )
            for d in network.gaps
        ],
        note=_(
            "Domains in use, fewest published resources first (all four libraries together). "
            "A domain with fewer than %(threshold)s is a gap to fill."
        )
        % {"threshold": network.threshold},
    )


def _flows_table(network: Network, libraries: _Libraries) -> Table:
    """What is reused, from whom: one row per publisher → reusing school with both tiers and
    the count per library, largest first; a school reusing its own resource is marked. The
    total row appears only once there is any reuse."""
    keys = libraries.keys
    kinds = [TEXT, TEXT, TEXT, TEXT, *[INT] * len(keys), INT]
    return Table(
        key="flows",
        title=_("Reuse from publisher to reusing school"),
        columns=[
            Column(_("Publisher"), TEXT),
            Column(_("Publisher's tier"), TEXT),
            Column(_("Reusing school"), TEXT),
            Column(_("Reusing school's tier"), TEXT),
            *libraries.columns,
            Column(_("Total")),
        ],
        rows=[
            _row(
                [
                    f.publisher.name,
                    f.publisher.tier_label,
                    _("%(school)s (own resource)") % {"school": f.reuser.name}
                    if f.is_self_reuse
                    else f.reuser.name,
                    f.reuser.tier_label,
                    *[f.by_library[k] for k in keys],
                    f.total,
                ],
                kinds,
                css="self" if f.is_self_reuse else "",
            )
            for f in network.flows
        ],
        total=_row(
            [
                _("Total"),
                "",
                "",
                "",
                *[sum(f.by_library[k] for f in network.flows) for k in keys],
                network.reuse_total,
            ],
            kinds,
            css="total",
        )
        if network.flows
        else None,
        note=_(
            "Each reuse copies a published resource into the reusing school's drafts. Counted "
            "when the reusing school or the publisher belongs to this network; a school "
            "reusing its own resource is marked."
        ),
        empty=_("No reuse yet."),
    )


def _class_cells(label: str, stats: ClassStats) -> list:
    return [
        label,
        stats.classes,
        stats.trainee_times,
        stats.sessions,
        stats.hours,
        stats.specialised,
        stats.manufacturing_first,
        stats.manufacturing_share,
    ]


CLASS_KINDS = [TEXT, TEXT, INT, INT, INT, DECIMAL, INT, INT, PERCENT]


def _classes_table(network: Network) -> Table:
    """The training classes held (apps.classes.stats), by year: the root's own classes, each
    school right below it, the year's total; the years together last. Its definitions (统计口径)
    are printed beside it and written into the workbook's "About" sheet."""
    rows = []
    for year in network.class_years:
        for row in year.rows:
            rows.append(_row([str(year.year), *_class_cells(row.label, row.stats)], CLASS_KINDS))
        rows.append(
            _row(
                [str(year.year), *_class_cells(_("Total"), year.total)],
                CLASS_KINDS,
                css="subtotal",
            )
        )
    years = network.class_years
    span = f"{years[0].year}–{years[-1].year}" if years else ""
    return Table(
        key="classes",
        title=_("Training classes held (班次)"),
        columns=[
            Column(_("Year"), TEXT),
            Column(_("Host school"), TEXT),
            Column(_("Classes held")),
            Column(_("Trainee-times (人次)")),
            Column(_("Sessions")),
            Column(_("Hours"), DECIMAL),
            Column(_("Specialised classes")),
            Column(_("Manufacturing-first (制造业当家)")),
            Column(_("Manufacturing share"), PERCENT),
        ],
        rows=rows,
        total=_row(
            [span, *_class_cells(_("Total"), network.classes_total)], CLASS_KINDS, css="total"
        ),
        note=_(
            "Classes hosted by this school and by each school below it (with the schools under"
            " that one), by the year of their first day."
        ),
        definitions=[str(text) for text in DEFINITIONS.values()],
    )


def _schools_table(network: Network, libraries: _Libraries) -> Table:
    """Each organisation of the network (schools in tree order, then active partner
    departments): published per library, pending, times reused and reuses made; schools
    with nothing to show are muted."""
    keys = libraries.keys
    kinds = [TEXT, TEXT, *[INT] * len(keys), INT, INT, INT, INT]
    return Table(
        key="schools",
        title=_("Schools and departments of this network"),
        columns=[
            Column(_("Organisation"), TEXT),
            Column(_("Tier"), TEXT),
            *libraries.columns,
            Column(_("Published")),
            Column(_("Pending review")),
            Column(_("Times reused")),
            Column(_("Reuses made")),
        ],
        rows=[
            _row(
                [
                    o.name,
                    o.tier_label,
                    *[o.published[k] for k in keys],
                    o.published_total,
                    o.pending,
                    o.times_reused,
                    o.reuses_made,
                ],
                kinds,
                css="" if o.is_active else "muted",
            )
            for o in network.organizations
        ],
        note=_(
            "Every school of the network, in tree order; partner departments when they have "
            "published, submitted or reused something."
        ),
    )


def build_charts(network: Network) -> dict[str, dict]:
    """Small JSON payloads for the charts; every label is already translated."""
    libs = [row.library for row in network.libraries]
    keys = [lib.key for lib in libs]
    lib_labels = [str(lib.label) for lib in libs]

    def by_library(rows, value_of) -> list[dict]:
        """One stacked series per library over ``rows``."""
        return [
            {"name": label, "data": [value_of(row, key) for row in rows]}
            for key, label in zip(keys, lib_labels, strict=True)
        ]

    charts: dict[str, dict] = {}
    charts["libraries"] = {
        "type": "bar",
        "categories": lib_labels,
        "series": [
            {"name": _("Published"), "data": [r.published for r in network.libraries]},
            {"name": _("Pending review"), "data": [r.pending for r in network.libraries]},
            {"name": _("Times reused"), "data": [r.times_reused for r in network.libraries]},
        ],
    }
    charts["tiers"] = {
        "type": "bar",
        "stack": True,
        "categories": [t.label for t in network.tiers],
        "series": by_library(network.tiers, lambda t, k: t.published[k]),
    }
    charts["domains"] = {
        "type": "bar",
        "stack": True,
        "horizontal": True,
        "categories": [d.label for d in network.domains],
        "series": by_library(network.domains, lambda d, k: d.published[k]),
    }
    charts["gaps"] = {
        "type": "gaps",
        "categories": [d.label for d in network.gaps],
        "values": [d.total for d in network.gaps],
        "gaps": [d.is_gap for d in network.gaps],
        "threshold": network.threshold,
        "thresholdLabel": _("Gap threshold"),
        "seriesName": _("Published resources"),
    }
    # Sankey links must not form cycles: every school appears twice, once as a publisher
    # (left) and once as a reuser (right), so links always go left → right, and a school
    # reusing its own resource is an ordinary link between its two nodes.
    nodes: dict[str, dict] = {}
    links = []
    for f in network.flows:
        source, target = f"p:{f.publisher.code}", f"r:{f.reuser.code}"
        nodes.setdefault(
            source,
            {"name": source, "label": f.publisher.name, "tier": f.publisher.kind, "depth": 0},
        )
        nodes.setdefault(
            target, {"name": target, "label": f.reuser.name, "tier": f.reuser.kind, "depth": 1}
        )
        links.append({"source": source, "target": target, "value": f.total})
    charts["flows"] = {
        "type": "sankey",
        "nodes": list(nodes.values()),
        "links": links,
        "publishersLabel": _("Publishers"),
        "reusersLabel": _("Reusing schools"),
    }
    share = network.classes_total.manufacturing_share
    charts["classes"] = {
        "type": "gauge",
        "value": round(share * 100, 1) if share is not None else None,
        "name": _("Manufacturing share"),
    }
    return charts
