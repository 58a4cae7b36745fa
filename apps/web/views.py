"""Server-rendered pages. The library pages grow here; for now the home page."""

from django.shortcuts import render

from apps.accounts.actor import actor_for
from apps.courses.models import Course
from apps.sharing.choices import Status


def home(request):
    context = {}
    if request.user.is_authenticated:
        visible = Course.objects.restrict(request.user, "view")
        context = {
            "actor": actor_for(request.user),
            "memberships": request.user.memberships.select_related("organization"),
            "latest": visible.filter(status=Status.PUBLISHED)
            .select_related("owner")
            .order_by("-published_at", "-id")[:10],
            "review_queue": Course.objects.restrict(request.user, "review")
            .select_related("owner")
            .order_by("submitted_at")[:10],
            "drafts": visible.filter(author=request.user)
            .exclude(status=Status.PUBLISHED)
            .select_related("owner")
            .order_by("-updated_at")[:10],
        }
    return render(request, "web/home.html", context)
