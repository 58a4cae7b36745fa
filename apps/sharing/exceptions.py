"""Errors raised by sharing services; the API and the pages translate them for people."""

from django.utils.translation import gettext_lazy as _


class SharingError(Exception):
    status_code = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, errors: dict | None = None):
        self.message = message or self.default_message
        self.errors = errors or {}
        super().__init__(str(self.message))


class ResourceNotFound(SharingError):
    """The resource does not exist or is outside the user's reach (never say which)."""

    status_code = 404
    default_message = _("Not found.")


class ActionDenied(SharingError):
    """The user can see the resource but their role does not allow this action."""

    status_code = 403
    default_message = _("You do not have permission to perform this action.")


class InvalidTransition(SharingError):
    """The action is not allowed from the resource's current status."""

    status_code = 409
    default_message = _("This action is not possible in the resource's current status.")


class InvalidInput(SharingError):
    """Input is missing or wrong; ``errors`` names each field."""

    status_code = 400
    default_message = _("Some fields are missing or invalid.")
