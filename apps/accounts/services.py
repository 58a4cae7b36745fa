"""Named actions on people and seats, shared by the admin, commands and (later) pages."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from apps.organizations.models import Organization

from .actor import forget_actor
from .models import ApiToken, Membership, Role, User

STAFF_ROLES = frozenset({Role.ADMIN, Role.CURATOR})


@transaction.atomic
def member_add(
    *, username: str, org_code: str, role: str, password: str | None = None
) -> tuple[User, Membership, bool]:
    """Create the user if needed and give them ``role`` in ``org_code`` (one role per org)."""
    organization = Organization.objects.filter(code=org_code).first()
    if organization is None:
        raise ValueError(_("Unknown organisation code: %(code)s") % {"code": org_code})
    if role not in Membership.allowed_roles(organization):
        allowed = ", ".join(sorted(Membership.allowed_roles(organization)))
        raise ValueError(
            _("Role %(role)s does not exist in this kind of organisation (allowed: %(allowed)s).")
            % {"role": role, "allowed": allowed}
        )
    user, created = User.objects.get_or_create(username=username)
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    membership, _created = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    # The admin site opens to curators and admins only (what they see there is still the
    # policy's); losing the last such seat closes it again. Superusers keep theirs.
    if not user.is_superuser:
        user.is_staff = user.memberships.filter(role__in=STAFF_ROLES).exists()
    user.save()
    forget_actor(user)
    return user, membership, created


class TokenLimitReached(ValueError):
    """The person already holds ``API_TOKENS_PER_USER`` active tokens."""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(
            _(
                "This account already holds %(limit)d active API tokens, the most one account "
                "may hold. Revoke one that is no longer used, then create the new one."
            )
            % {"limit": limit}
        )


@transaction.atomic
def token_issue(
    *, user: User, name: str = "", read_only: bool = False, days: int | None = None
) -> tuple[ApiToken, str]:
    """Issue an API token (the raw value is returned once), within the per-person limit.

    Every way of minting a token goes through here: the token page, ``add_member --token``
    and the admin. Only active tokens count (revoked or expired ones do not). The person's
    row is locked first, so two requests at once cannot both take the last place.
    """
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    check_token_limit(user)
    return ApiToken.issue(user=user, name=name, read_only=read_only, days=days)


def check_token_limit(user: User) -> None:
    """Raise ``TokenLimitReached`` if ``user`` may not hold one more active token (forms
    ask before issuing; ``token_issue`` asks again under the lock)."""
    limit = settings.API_TOKENS_PER_USER
    if ApiToken.objects.usable().filter(user=user).count() >= limit:
        raise TokenLimitReached(limit)
