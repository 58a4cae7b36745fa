"""Who may read a lecturer's personal contact data: one rule, used by the API, admin and exports.

Only curators and admins of the owning school and of the municipal school above it.
Never teachers, viewers, other schools or departments; never in lists, search
results or exports made for anyone else.
"""

from apps.accounts.actor import Actor
from apps.organizations.models import OrganizationKind
from apps.sharing.policy import CURATORS


def may_read_contact(actor: Actor, lecturer) -> bool:
    for seat in actor.seats_with(CURATORS):
        if seat.org_id == lecturer.owner_id:
            return True
        if seat.org_kind == OrganizationKind.MUNICIPAL and lecturer.owner.path.startswith(
            seat.org_path
        ):
            return True
    return False


def may_read_any_contact(actor: Actor) -> bool:
    """Whether ``may_read_contact`` can be true for this actor for some lecturer: only
    curators' answers can carry contact data."""
    return bool(actor.seats_with(CURATORS))
