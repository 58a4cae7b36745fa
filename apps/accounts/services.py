"""Named actions on people and seats, shared by the admin, commands and (later) pages."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.organizations.models import Organization

from .actor import forget_actor
from .models import Membership, Role, User

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
