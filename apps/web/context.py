"""The signed-in person's working school (the school switcher) and the navigation."""

from apps.accounts.actor import actor_for
from apps.sharing.registry import libraries

SESSION_KEY = "current_org"


def current_seat(request):
    """The seat the user works in now: the one chosen in the switcher, else their first."""
    actor = actor_for(request.user)
    if not actor.seats:
        return None
    chosen = request.session.get(SESSION_KEY)
    for seat in actor.seats:
        if seat.org_code == chosen:
            return seat
    return actor.seats[0]


def navigation(request):
    """Template context for every page."""
    context = {"libraries": libraries()}
    if request.user.is_authenticated:
        actor = actor_for(request.user)
        seat = current_seat(request)
        context.update(
            {
                "seats": [(s.org_code, s.org_name or s.org_code, s.role) for s in actor.seats],
                "current_seat": seat,
                "current_org_name": seat.org_name if seat else None,
            }
        )
    return context


def notification_bell(request):
    """The unread count in the header's bell: counted when a page shows it, in one query
    (``apps.notifications.inbox``), up to 100 (the bell says "99+"); nothing at all for
    anonymous visitors."""
    if not request.user.is_authenticated:
        return {}
    from django.utils.functional import SimpleLazyObject

    from apps.notifications.inbox import unread_count

    user = request.user
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user, at_most=100))}
