"""The gap map (短板地图): need per thematic domain × area, from survey answers, against what
the network supplies in that domain. Its definitions (统计口径):

    need N(d, a)     the mean need of the answers to questions of domain d from area a (0–100):
                     a rating r counts (r − 1) × 25 (1 → 0, 5 → 100); a choice counts its
                     option's weight (0–100; an option without a weight counts nothing);
                     free text counts nothing. Answers of open and closed surveys (never a
                     draft's); an area is a district (the respondent's organisation lies in
                     it) or the city level (the municipal school, the city's departments,
                     links with no organisation on a municipal survey). None: no answer.
    resources R(d)   resources of the four libraries published to the whole network in d
    classes C(d)     training classes planned or held (running, finished, archived) in d
                     whose first day falls in the last three calendar years
    supply S(d)      50 × (R(d) − min R) ÷ (max R − min R) + the same for C, over the
                     domains (0–100; a part where every domain has the same adds 0): supply
                     relative to the other domains, 0 for the least supplied, 100 for one
                     that leads in both resources and classes
    gap G(d, a)      N(d, a) × (100 − S(d)) ÷ 100 (0–100): high when the need is high and
                     the supply low; none without need. A cell with G ≥ 50 is a gap (短板).
    heat level       0–4: G ÷ 20, rounded down (4 at 80 and above); the colour of the cell

Cost: seven queries whatever the number of answers (areas, domains, need, four libraries,
classes): the registry's libraries, one grouped count each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.classes.models import ClassStatus, TrainingClass
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.choices import Scope, Status
from apps.sharing.registry import libraries
from apps.taxonomy.models import ThematicDomain

from .models import Answer, SurveyStatus

GAP_THRESHOLD = 50
CLASS_YEARS = 3
SUPPLY_CLASSES = (
    ClassStatus.PLANNED,
    ClassStatus.RUNNING,
    ClassStatus.FINISHED,
    ClassStatus.ARCHIVED,
)

DEFINITIONS = {
    "need": _(
        "Need: the mean of the answers to the questions of a domain from an area, 0–100. A"
        " rating r counts (r − 1) × 25; a choice counts its option's weight; free text counts"
        " nothing. Answers of open and closed surveys; a cell with fewer answers than the"
        " minimum (5 unless the operator sets GAP_MAP_MIN_ANSWERS) shows none, so that no"
        " one's answer can be read from the map."
    ),
    "area": _(
        "Area: the district the respondent's organisation lies in, or the city level (the"
        " municipal school, the city's departments, links without an organisation)."
    ),
    "resources": _(
        "Resources: resources of the four libraries published to the whole network in the domain."
    ),
    "classes": _(
        "Classes: training classes planned or held in the domain whose first day falls in the"
        " last three calendar years."
    ),
    "supply": _(
        "Supply, relative to the other domains: 50 × (resources − the fewest of any domain) ÷"
        " (the most − the fewest) + the same for classes, 0–100; 0 for the least supplied."
    ),
    "gap": _(
        "Gap: need × (100 − supply) ÷ 100, 0–100. High need and low supply make a high gap;"
        " a cell of 50 or more is a gap (短板)."
    ),
}


@dataclass
class Cell:
    area_id: int
    area_code: str = ""
    need: float | None = None
    answers: int = 0
    gap: float | None = None

    @property
    def level(self) -> int | None:
        if self.gap is None:
            return None
        return min(4, int(self.gap // 20))

    @property
    def css(self) -> str:
        return "gap-none" if self.level is None else f"gap-{self.level}"

    @property
    def is_gap(self) -> bool:
        return self.gap is not None and self.gap >= GAP_THRESHOLD


@dataclass
class Row:
    domain: ThematicDomain
    resources: int = 0
    classes: int = 0
    supply: float = 0.0
    cells: list[Cell] = field(default_factory=list)

    @property
    def worst(self) -> Cell | None:
        scored = [c for c in self.cells if c.gap is not None]
        return max(scored, key=lambda c: c.gap) if scored else None

    @property
    def is_gap(self) -> bool:
        return any(c.is_gap for c in self.cells)


@dataclass
class GapMap:
    areas: list[Organization]
    rows: list[Row]
    survey_ids: list[int] | None = None

    def as_dict(self) -> dict:
        return {
            "areas": [{"id": a.pk, "code": a.code, "name": a.name} for a in self.areas],
            "domains": [
                {
                    "id": r.domain.pk,
                    "code": r.domain.code,
                    "name": r.domain.name,
                    "resources": r.resources,
                    "classes": r.classes,
                    "supply": r.supply,
                    "cells": [
                        {
                            "area": a.code,
                            "need": c.need,
                            "answers": c.answers,
                            "gap": c.gap,
                            "level": c.level,
                            "is_gap": c.is_gap,
                        }
                        for a, c in zip(self.areas, r.cells, strict=True)
                    ],
                }
                for r in self.rows
            ],
            "threshold": GAP_THRESHOLD,
            "definitions": {k: str(v) for k, v in DEFINITIONS.items()},
        }


def areas() -> list[Organization]:
    """The columns: the municipal school (the city level), then its districts in tree order."""
    orgs = list(
        Organization.objects.filter(
            kind__in=(OrganizationKind.MUNICIPAL, OrganizationKind.DISTRICT)
        ).order_by("depth", "path")
    )
    municipal = [o for o in orgs if o.kind == OrganizationKind.MUNICIPAL][:1]
    if not municipal:
        return []
    root = municipal[0]
    return [root, *(o for o in orgs if o.kind == OrganizationKind.DISTRICT and o.is_within(root))]


def _supply_counts() -> tuple[dict[int, int], dict[int, int]]:
    resources: dict[int, int] = {}
    for library in libraries():
        for row in (
            library.model.objects.filter(status=Status.PUBLISHED, scope=Scope.NETWORK)
            .exclude(domains=None)
            .values("domains")
            .annotate(n=Count("pk", distinct=True))
            .order_by()
        ):
            resources[row["domains"]] = resources.get(row["domains"], 0) + row["n"]
    first_year = timezone.localdate().year - CLASS_YEARS + 1
    classes = {
        row["domains"]: row["n"]
        for row in TrainingClass.objects.filter(
            status__in=SUPPLY_CLASSES, start_date__year__gte=first_year
        )
        .exclude(domains=None)
        .values("domains")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    }
    return resources, classes


def _part(value: int, values: list[int]) -> float:
    low, high = min(values, default=0), max(values, default=0)
    return 50 * (value - low) / (high - low) if high > low else 0.0


def supply_index(resources: int, classes: int, all_resources: list, all_classes: list) -> float:
    """S(d): the domain's resources and classes placed between the fewest and the most of
    the domains, half each."""
    return round(_part(resources, all_resources) + _part(classes, all_classes), 1)


def gap_of(need: float | None, supply: float) -> float | None:
    return None if need is None else round(need * (100 - supply) / 100, 1)


def gap_map(*, survey_ids: list[int] | None = None) -> GapMap:
    """The whole city's map; ``survey_ids`` keeps the answers of those surveys only."""
    columns = areas()
    domains = list(ThematicDomain.objects.active())
    answers = Answer.objects.filter(
        need__isnull=False,
        response__survey__status__in=(SurveyStatus.OPEN, SurveyStatus.CLOSED),
    )
    if survey_ids is not None:
        answers = answers.filter(response__survey_id__in=survey_ids)
    need = {
        (row["question__domain_id"], row["response__area_id"]): row
        for row in answers.values("question__domain_id", "response__area_id")
        .annotate(need=Avg("need"), n=Count("pk"))
        .order_by()
    }
    # A cell resting on fewer answers than this shows no figure: one respondent's need is
    # their answer (a rating r is (r − 1) × 25), and the map is read across the districts.
    fewest = settings.GAP_MAP_MIN_ANSWERS
    resources, classes = _supply_counts()
    all_r = [resources.get(d.pk, 0) for d in domains]
    all_c = [classes.get(d.pk, 0) for d in domains]
    rows = []
    for domain in domains:
        r, c = resources.get(domain.pk, 0), classes.get(domain.pk, 0)
        supply = supply_index(r, c, all_r, all_c)
        cells = []
        for area in columns:
            found = need.get((domain.pk, area.pk))
            value = round(found["need"], 1) if found and found["n"] >= fewest else None
            cells.append(
                Cell(
                    area_id=area.pk,
                    area_code=area.code,
                    need=value,
                    answers=found["n"] if found else 0,
                    gap=gap_of(value, supply),
                )
            )
        rows.append(Row(domain=domain, resources=r, classes=c, supply=supply, cells=cells))
    return GapMap(areas=columns, rows=rows, survey_ids=survey_ids)
