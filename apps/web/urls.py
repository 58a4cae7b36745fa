from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.accounts.forms import LockoutAuthenticationForm

from . import notifications, versions, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", authentication_form=LockoutAuthenticationForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("school/", views.switch_school, name="switch-school"),
    path("review/", views.review_queue, name="review"),
    path("search/", views.search, name="search"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path(
        "notifications/read-all/",
        notifications.notification_read_all,
        name="notification-read-all",
    ),
    path(
        "notifications/settings/",
        notifications.notification_settings,
        name="notification-settings",
    ),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification-open"),
    path(
        "notifications/<int:pk>/read/",
        notifications.notification_read,
        name="notification-read",
    ),
    path("library/<str:key>/", views.library_list, name="list"),
    path("library/<str:key>/new/", views.library_create, name="create"),
    path("library/<str:key>/<int:pk>/", views.library_detail, name="detail"),
    path("library/<str:key>/<int:pk>/edit/", views.library_edit, name="edit"),
    path(
        "library/<str:key>/<int:pk>/versions/<int:number>/",
        versions.version_detail,
        name="version",
    ),
    path("library/<str:key>/<int:pk>/source-diff/", versions.source_diff, name="source-diff"),
    path("copies-behind/", versions.behind_copies, name="copies-behind"),
    path("library/<str:key>/<int:pk>/<str:action>/", views.library_action, name="action"),
    path("", include("apps.web.class_pages_urls")),
    path("", include("apps.web.call_urls")),
    path("", include("apps.web.meeting_urls")),
    path("", include("apps.web.consultation_urls")),
    path("", include("apps.web.evaluation_urls")),
    path("", include("apps.web.survey_urls")),
]
