"""The platform's URLs plus the floor view, for the benchmark's server only."""

from django.urls import path

from config.urls import handler404  # noqa: F401
from config.urls import urlpatterns as platform_urlpatterns

from .floor import floor

urlpatterns = [path("bench/floor/", floor), *platform_urlpatterns]
