"""What a site's pages show beyond its fields: its lifecycle history, and the form that moves
it along the lifecycle on its detail page (``PageAction``, reached by ``apps.web`` through the
registry; the move itself is ``services.site_change_lifecycle``)."""

from django.utils.translation import gettext as _

from apps.sharing.exceptions import ActionDenied
from apps.sharing.policy import policy
from apps.sharing.registry import PageAction

from .forms import LifecycleForm
from .models import LIFECYCLE_MOVES, Lifecycle
from .services import site_change_lifecycle


def detail_context(obj, *, user, actor) -> dict:
    """The site's lifecycle history, newest first; where it stands while it waits in review
    (待考察, 考察中, 已纳入待发布: what a department sees of its submitted site)."""
    return {"events": obj.events.select_related("user"), "assessment_stage": obj.assessment_stage()}


def may_move(site, *, actor) -> bool:
    """Offered to the owner's and the audience's curators (``policy.check_manage``), while the
    site has somewhere to go (a retired site has not)."""
    if not LIFECYCLE_MOVES.get(site.lifecycle):
        return False
    try:
        policy.check_manage(actor, site)
    except ActionDenied:
        return False
    return True


def move(site, form: LifecycleForm, *, user) -> str:
    before = site.get_lifecycle_display()
    moved = site_change_lifecycle(user=user, pk=site.pk, **form.service_kwargs())
    return _("Lifecycle changed: %(from)s → %(to)s.") % {
        "from": before,
        "to": Lifecycle(moved.lifecycle).label,
    }


LIFECYCLE_ACTION = PageAction(
    name="lifecycle",
    offered=may_move,
    form=lambda site, data=None: LifecycleForm(data, site=site),
    perform=move,
    template="teaching_sites/_lifecycle_form.html",
)
