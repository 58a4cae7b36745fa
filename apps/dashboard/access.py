"""Who may open the network dashboard, and for which school's network.

Decisions (see also the view's docstring):

* The dashboard shows a *network*: a municipal or district school and everything
  below it (``Organization.objects.subtree_of``). Any school role there (admin,
  curator, teacher, viewer) may open it; admins and curators see it as curators
  (with links to fill the gaps in the admin), teachers and viewers read only.
* Town and street schools have no network below them, and partner departments are
  not schools: a user whose only seats are there gets a friendly page explaining
  who can see the dashboard, with HTTP status 403 (nothing is shown, the page says
  why). Users with no seat at all get the same page.
* By default the dashboard opens on the widest school where the user is a curator
  or admin (lowest depth, then path); without such a seat, on the widest school
  where they hold any school role. A user with several possible networks gets a
  switcher (``?org=<code>``). Someone seated at the municipal school may also
  drill down to each district school's network, with the same role.
* Asking for a school outside these choices answers 404, as the rest of the
  project does for things out of reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from apps.accounts.actor import Actor, Seat
from apps.accounts.models import SCHOOL_ROLES, Role
from apps.organizations.models import Organization, OrganizationKind

NETWORK_KINDS = frozenset({OrganizationKind.MUNICIPAL, OrganizationKind.DISTRICT})
CURATOR_ROLES = frozenset({Role.ADMIN, Role.CURATOR})


@dataclass(frozen=True)
class Choice:
    """One network the user may look at, and as what."""

    organization: Organization
    role: str

    @property
    def code(self) -> str:
        return self.organization.code

    @property
    def is_curator(self) -> bool:
        return self.role in CURATOR_ROLES

    @property
    def label(self) -> str:
        return self.organization.short_name or self.organization.name


def network_seats(actor: Actor) -> list[Seat]:
    """Seats that open a dashboard: any school role in a municipal or district school."""
    return [s for s in actor.seats if s.org_kind in NETWORK_KINDS and s.role in SCHOOL_ROLES]


def may_see_dashboard(actor: Actor) -> bool:
    return bool(network_seats(actor))


def _rank(seat: Seat) -> tuple[int, int, str]:
    # Curator seats first, then the widest school (fewest path segments), then tree order.
    return (0 if seat.role in CURATOR_ROLES else 1, len(seat.lineage_codes), seat.org_path)


def choices_for(actor: Actor) -> list[Choice]:
    """Every network the actor may open, the default first; one query.

    The seat orgs and, below a municipal seat, its district schools, are read together.
    """
    seats = sorted(network_seats(actor), key=_rank)
    if not seats:
        return []
    municipal_paths = [s.org_path for s in seats if s.org_kind == OrganizationKind.MUNICIPAL]
    wanted = Q(pk__in=[s.org_id for s in seats])
    for path in municipal_paths:
        wanted |= Q(kind=OrganizationKind.DISTRICT, path__startswith=path)
    organizations = {o.pk: o for o in Organization.objects.filter(wanted)}

    choices: list[Choice] = []
    seen: set[int] = set()
    for seat in seats:
        org = organizations.get(seat.org_id)
        if org is None or org.pk in seen:
            continue
        choices.append(Choice(org, seat.role))
        seen.add(org.pk)
    # Drill-down: districts below a municipal seat, with that seat's role (unless seated there).
    for seat in seats:
        if seat.org_kind != OrganizationKind.MUNICIPAL:
            continue
        below = sorted(
            (
                o
                for o in organizations.values()
                if o.kind == OrganizationKind.DISTRICT and o.path.startswith(seat.org_path)
            ),
            key=lambda o: o.path,
        )
        for org in below:
            if org.pk not in seen:
                choices.append(Choice(org, seat.role))
                seen.add(org.pk)
    return choices


def pick(choices: list[Choice], code: str | None) -> Choice | None:
    """The chosen network: ``code`` if it is one of the choices, else the default (first).

    Returns None when a code was asked for that is not among the choices.
    """
    if not code:
        return choices[0] if choices else None
    for choice in choices:
        if choice.code == code:
            return choice
    return None
