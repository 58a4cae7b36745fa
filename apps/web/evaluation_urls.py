"""Evaluations and teaching records: code sheets, the trainees' pages (no account), site
visit requests and calendars, a lecturer's teaching record (apps/web/evaluations.py)."""

urlpatterns: list = []
