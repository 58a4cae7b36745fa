"""Needs surveys' pages (需求调研): the views are in apps/web/surveys.py."""

from django.urls import path

from . import surveys

urlpatterns: list = [
    path("surveys/", surveys.survey_list, name="survey-list"),
    path("surveys/new/", surveys.survey_create, name="survey-create"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey-detail"),
    path("surveys/<int:pk>/edit/", surveys.survey_edit, name="survey-edit"),
    path("surveys/<int:pk>/move/", surveys.survey_move, name="survey-move"),
    path("surveys/<int:pk>/delete/", surveys.survey_delete, name="survey-delete"),
    path("surveys/<int:pk>/questions/", surveys.question_add, name="survey-question-add"),
    path(
        "surveys/<int:pk>/questions/<int:qid>/remove/",
        surveys.question_remove,
        name="survey-question-remove",
    ),
    path("surveys/<int:pk>/links/", surveys.survey_links, name="survey-links"),
    path("surveys/<int:pk>/results/", surveys.survey_results, name="survey-results"),
    path("s/<str:token>/", surveys.survey_answer, name="survey-answer"),
]
