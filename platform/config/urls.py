"""Top-level URL map: pages, the admin, the REST API and its schema."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from apps.accounts.forms import LockoutAdminAuthenticationForm
from apps.api.docs import ApiDocsView

# The admin signs in with the same lockout as the pages.
admin.site.login_form = LockoutAdminAuthenticationForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("apps.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("dashboard/", include("apps.dashboard.urls")),
    path("account/", include("apps.accounts.urls")),
    path("", include("apps.web.urls")),
]


def handler404(request, exception=None):
    """Unknown API paths answer problem+json like every other API error; pages stay HTML."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse
        from django.utils.translation import gettext

        body = {
            "type": "about:blank",
            "title": gettext("Not found"),
            "status": 404,
            "detail": gettext("Not found."),
        }
        return JsonResponse(
            body,
            status=404,
            content_type="application/problem+json",
            json_dumps_params={"ensure_ascii": False},
        )
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


# Requests Django refuses before a view (a body it cannot parse, a bad host) answer like the
# edge's own refusals: problem+json on the API, the 400 page elsewhere; an API 500 is
# problem+json too (apps/api/edge.py).
handler400 = "apps.api.edge.bad_request"
handler500 = "apps.api.edge.server_error"
