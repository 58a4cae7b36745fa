from django.contrib.auth import views as auth_views
from django.urls import path

from apps.accounts.forms import LockoutAuthenticationForm

from . import views

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
    path("library/<str:key>/", views.library_list, name="list"),
    path("library/<str:key>/new/", views.library_create, name="create"),
    path("library/<str:key>/<int:pk>/", views.library_detail, name="detail"),
    path("library/<str:key>/<int:pk>/edit/", views.library_edit, name="edit"),
    path("library/<str:key>/<int:pk>/<str:action>/", views.library_action, name="action"),
]
