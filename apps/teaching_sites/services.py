"""A site's lifecycle (成熟一个纳入一个, 动态管理): named, checked, recorded."""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.sharing.actions import action
from apps.sharing.exceptions import InvalidInput, InvalidTransition
from apps.sharing.policy import policy
from apps.sharing.services import lock_for_write

from .models import LIFECYCLE_MOVES, Lifecycle, LifecycleEvent, TeachingSite


@transaction.atomic
@action("lifecycle", model=TeachingSite)
def site_change_lifecycle(
    *,
    user,
    pk,
    to_state: str,
    reason: str,
    effective_on: datetime.date | None = None,
    expected_version=None,
) -> TeachingSite:
    """Move a site along its lifecycle; every move is kept with its date, reason and author."""
    # The role is judged before the version (403 before 412), as for every write.
    site = lock_for_write(TeachingSite, pk, user, expected_version, check=policy.check_manage)
    if to_state not in LIFECYCLE_MOVES.get(site.lifecycle, ()):
        raise InvalidTransition(
            _("A site cannot move from %(from)s to %(to)s.")
            % {"from": site.get_lifecycle_display(), "to": _state_label(to_state)}
        )
    if not (reason or "").strip():
        raise InvalidInput(errors={"reason": [str(_("Say why the site changes state."))]})
    LifecycleEvent.objects.create(
        site=site,
        from_state=site.lifecycle,
        to_state=to_state,
        reason=reason.strip(),
        effective_on=effective_on or timezone.localdate(),
        user=user,
    )
    site.lifecycle = to_state
    site.version = F("version") + 1
    site.save(update_fields=["lifecycle", "version", "updated_at"])
    site.refresh_from_db(fields=["version"])
    return site


def _state_label(state) -> str:
    return str(dict(Lifecycle.choices).get(state, state))
