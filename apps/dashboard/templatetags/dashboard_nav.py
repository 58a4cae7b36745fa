"""``{% dashboard_link %}``: the navigation link to the dashboard, for those who may open it.

It reads the request user's seats through ``actor_for``, which the page has already
loaded (it is cached on the user), so the link costs no extra query. The link text
lives in this app's catalogue, with the rest of the dashboard's strings.
"""

from django import template

from apps.accounts.actor import actor_for

from ..access import may_see_dashboard

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def can_see_dashboard(context) -> bool:
    user = _user(context)
    if user is None or not user.is_authenticated:
        return False
    return may_see_dashboard(actor_for(user))


@register.inclusion_tag("dashboard/_nav_link.html", takes_context=True)
def dashboard_link(context) -> dict:
    return {"show": can_see_dashboard(context)}
