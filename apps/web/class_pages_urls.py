"""The training classes' pages (班次): list, form, timetable, print and .xlsx (apps/web/classes.py)."""

urlpatterns: list = []
