"""The joint meeting's pages (联席会议): partners, meetings, plans. Views: apps/web/meetings.py."""

from django.urls import path

from . import meetings

urlpatterns: list = [
    path("partners/", meetings.partner_list, name="partner-list"),
    path("partners/<str:code>/edit/", meetings.partner_edit, name="partner-edit"),
    path("meetings/", meetings.meeting_list, name="meeting-list"),
    path("meetings/new/", meetings.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/decisions/", meetings.decision_add, name="meeting-decision-add"),
    path("decisions/<int:pk>/done/", meetings.decision_done, name="decision-done"),
    path("plans/", meetings.plan_index, name="plan-index"),
    path("plans/<int:year>/", meetings.plan_detail, name="plan-detail"),
    path("plans/<int:year>/create/", meetings.plan_create, name="plan-create"),
    path("plans/<int:year>/items/", meetings.item_propose, name="plan-item-propose"),
    path("plan-items/<int:pk>/decide/", meetings.item_decide, name="plan-item-decide"),
    path("plan-items/<int:pk>/classes/", meetings.item_classes, name="plan-item-classes"),
]
