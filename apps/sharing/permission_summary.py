"""What every person may see and do to every resource, worked out from the policy.

The letters are those of the permission matrix (tests/sharing/test_permission_matrix.py),
and tests/backups/test_permission_summary.py checks this function against every cell of it:

    V view   E edit   D delete   S submit (at its scope)   P publish (at its scope)
    J reject   W withdraw   U reuse (into one of the person's own schools)
    R recommend to the city (向上推荐)

A person who cannot see a resource may do nothing to it (the API answers 404). The summary
is what a restore rehearsal compares before and after (``manage.py permission_summary``):
the same people must see and do the same things to the same resources.
"""

from __future__ import annotations

from apps.accounts.actor import Actor, actor_for
from apps.accounts.models import User
from apps.organizations.models import Organization

from .exceptions import ActionDenied, InvalidInput, InvalidTransition
from .policy import policy
from .registry import libraries

LETTERS = "VEDSPJWUR"
_REFUSED = (ActionDenied, InvalidTransition, InvalidInput)


def _allowed(check) -> bool:
    try:
        check()
    except _REFUSED:
        return False
    return True


def _may_reuse(actor: Actor, obj) -> bool:
    if obj.sharing_conflict("reuse"):
        return False
    return any(
        _allowed(lambda seat=seat: policy.check_reuse(actor, obj, Organization(pk=seat.org_id)))
        for seat in actor.seats
    )


def actions_of(actor: Actor, obj) -> str:
    """The matrix's letters for ``actor`` on ``obj`` (``obj`` with owner and audience loaded);
    no query."""
    if not policy.can_view(actor, obj):
        return ""
    scope = obj.scope
    checks = {
        "E": lambda: policy.check_edit(actor, obj),
        "D": lambda: policy.check_delete(actor, obj),
        "S": lambda: policy.check_submit(actor, obj),
        "P": lambda: policy.check_publish(actor, obj, obj.audience),
        "J": lambda: policy.check_reject(actor, obj),
        "W": lambda: policy.check_withdraw(actor, obj),
    }
    letters = "V"
    for letter, check in checks.items():
        if letter in "SP" and obj.sharing_conflict("submit" if letter == "S" else "publish", scope):
            continue
        if _allowed(check):
            letters += letter
    if _may_reuse(actor, obj):
        letters += "U"
    if _allowed(lambda: policy.check_recommend(actor, obj)):
        letters += "R"
    return letters


def permission_summary(users=None) -> dict:
    """``{"people": [...], "resources": {"<library>:<pk>": {title, owner, status, scope,
    "actions": {username: letters}}}}`` for every resource of every library and every active
    person (or ``users``); people who may do nothing to a resource are left out of it.

    Queries: one for the people, one per person for their seats, one per library."""
    if users is None:
        users = User.objects.filter(is_active=True).order_by("username")
    actors = [(user.username, actor_for(user)) for user in users]
    resources = {}
    for library in sorted(libraries(), key=lambda lib: lib.key):
        objects = library.model.objects.select_related("owner", "audience").order_by("pk")
        for obj in objects:
            actions = {}
            for username, actor in actors:
                letters = actions_of(actor, obj)
                if letters:
                    actions[username] = letters
            resources[f"{library.key}:{obj.pk}"] = {
                "title": obj.title,
                "owner": obj.owner.code,
                "status": obj.status,
                "scope": obj.scope,
                "version": obj.version,
                "actions": actions,
            }
    return {"people": [username for username, _actor in actors], "resources": resources}
