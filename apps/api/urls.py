"""``/api/v1/``: one router for every library."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from apps.courses.api.views import CourseViewSet

from .views import MeView, OrganizationViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("courses", CourseViewSet, basename="course")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]
