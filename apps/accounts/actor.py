"""Who is acting: a user's seats (organisation + role), loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass, field

from apps.organizations.models import PATH_SEPARATOR

from .models import Membership, Role

_CACHE_ATTR = "_sharing_actor"


@dataclass(frozen=True)
class Seat:
    org_id: int
    org_code: str
    org_path: str
    org_kind: str
    role: str
    org_name: str = ""

    @property
    def lineage_codes(self) -> list[str]:
        return [c for c in self.org_path.split(PATH_SEPARATOR) if c]


@dataclass(frozen=True)
class Actor:
    """A user and their seats. Anonymous users have no seats and may see nothing."""

    user_id: int | None
    seats: tuple[Seat, ...] = field(default_factory=tuple)
    _cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def org_ids(self) -> set[int]:
        return {s.org_id for s in self.seats}

    def seats_with(self, roles: frozenset[str] | set[str]) -> list[Seat]:
        return [s for s in self.seats if s.role in roles]

    def role_in(self, org_id: int) -> str | None:
        for seat in self.seats:
            if seat.org_id == org_id:
                return seat.role
        return None

    def has_role(self, org_id: int, roles: frozenset[str] | set[str]) -> bool:
        return self.role_in(org_id) in roles

    @property
    def lineage_codes(self) -> set[str]:
        """Codes of every organisation at or above any of the actor's organisations."""
        codes: set[str] = set()
        for seat in self.seats:
            codes.update(seat.lineage_codes)
        return codes

    @property
    def lineage_ids(self) -> list[int]:
        """Ids of the organisations in ``lineage_codes``: one query, then remembered.

        The visibility filter uses them as literal ids: PostgreSQL can then combine the
        owner and audience indexes (a subquery here made every list a full-table scan).
        """
        if "lineage_ids" not in self._cache:
            from apps.organizations.models import Organization

            codes = self.lineage_codes
            self._cache["lineage_ids"] = sorted(
                Organization.objects.filter(code__in=codes).values_list("pk", flat=True)
                if codes
                else []
            )
        return self._cache["lineage_ids"]

    @property
    def knows_lineage_ids(self) -> bool:
        return "lineage_ids" in self._cache

    def remember_lineage_ids(self, ids) -> None:
        """Keep ``lineage_ids`` read by another query (``apps.sharing.content_version``
        reads them with the content versions, in one round trip)."""
        self._cache["lineage_ids"] = sorted(ids)

    def seat_for(self, org_code: str) -> Seat | None:
        for seat in self.seats:
            if seat.org_code == org_code:
                return seat
        return None


def actor_for(user) -> Actor:
    """The actor for ``user``, cached on the user object (one query per request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Actor(user_id=None)
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    rows = (
        Membership.objects.filter(user_id=user.pk)
        .order_by("organization__path")
        .values_list(
            "organization_id",
            "organization__code",
            "organization__path",
            "organization__kind",
            "role",
            "organization__name",
        )
    )
    actor = Actor(user_id=user.pk, seats=tuple(Seat(*row) for row in rows))
    setattr(user, _CACHE_ATTR, actor)
    return actor


def forget_actor(user) -> None:
    """Drop the cached seats after a membership change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


__all__ = ["Actor", "Role", "Seat", "actor_for", "forget_actor"]
