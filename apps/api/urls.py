"""``/api/v1/``: one router, one route per library in the registry, and the API's own views."""

from django.urls import path
from rest_framework.routers import DefaultRouter
from rest_framework.urlpatterns import format_suffix_patterns

from apps.sharing.registry import libraries

from . import attachments
from .calls import CallViewSet
from .classes import EvaluationViewSet, SiteVisitViewSet, TrainingClassViewSet
from .consultations import ReportViewSet
from .exchange_jobs import ExchangeJobViewSet
from .history import AuditEventViewSet
from .meetings import (
    DecisionViewSet,
    MeetingViewSet,
    PartnerViewSet,
    PlanItemViewSet,
    PlanViewSet,
)
from .notifications import NotificationViewSet
from .surveys import GapMapView, SurveyResponseViewSet, SurveyViewSet
from .views import MeView, OrganizationViewSet
from .viewsets import library_viewset
from .webhooks import WebhookViewSet


class Router(DefaultRouter):
    """Format suffixes (``/courses/1.json``) only for the formats the API renders: any suffix
    made ``/courses/1.5/`` item 1 in an unknown format, which the lenient negotiation then
    ignored (apps/api/negotiation.py), so a malformed id answered as a real one."""

    include_format_suffixes = False
    formats = ("json", "api", "xlsx")

    def get_urls(self):
        return format_suffix_patterns(super().get_urls(), allowed=list(self.formats))


router = Router()
router.register("organizations", OrganizationViewSet, basename="organization")
for library in libraries():
    if library.viewset is not None:
        router.register(library.key, library_viewset(library), basename=library.basename)
router.register("audit", AuditEventViewSet, basename="audit-event")
router.register("exchange-jobs", ExchangeJobViewSet, basename="exchange-job")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("classes", TrainingClassViewSet, basename="class")
router.register("calls", CallViewSet, basename="call")
router.register("site-visits", SiteVisitViewSet, basename="site-visit")
router.register("evaluations", EvaluationViewSet, basename="evaluation")
router.register("partners", PartnerViewSet, basename="partner")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("plans", PlanViewSet, basename="plan")
router.register("plan-items", PlanItemViewSet, basename="plan-item")
router.register("surveys", SurveyViewSet, basename="survey")
router.register("survey-responses", SurveyResponseViewSet, basename="survey-response")
router.register("reports", ReportViewSet, basename="report")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("gap-map/", GapMapView.as_view(), name="gap-map"),
    path("attachments/<uuid:uid>/download/", attachments.download, name="attachment-download"),
    path("attachments/<uuid:uid>/", attachments.remove, name="attachment"),
    *router.urls,
]
