"""A clash in the timetable: answered 409 by every entry point, naming what it clashes with."""

from django.utils.translation import gettext_lazy as _

from apps.sharing.exceptions import SharingError


class ScheduleClash(SharingError):
    """A lecturer already teaching, or a site already visited, in an overlapping slot.

    ``errors`` names the field (``lecturers`` or ``site``); ``clash`` says with what: the
    class (its id and title when the caller may see it, else only its host school), the
    session and its time.
    """

    status_code = 409
    default_message = _("This slot clashes with another session.")

    def __init__(self, message=None, *, errors=None, clash: dict | None = None):
        super().__init__(message, errors=errors)
        self.clash = clash or {}
