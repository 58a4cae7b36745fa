from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import lockout
from .client import client_address


class LockoutAuthenticationForm(AuthenticationForm):
    """The sign-in form of the pages and the admin, with the lockout per username and
    client address."""

    def clean(self):
        username = self.cleaned_data.get("username", "")
        address = client_address(self.request) if self.request is not None else ""
        if lockout.is_locked(username, address):
            minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
            raise ValidationError(
                _(
                    "Too many failed sign-ins for this account. Try again in %(minutes)d "
                    "minutes, or ask your school's admin."
                )
                % {"minutes": minutes},
                code="locked",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            lockout.record_failure(username, address)
            raise
        lockout.clear(username, address)
        return cleaned


class LockoutAdminAuthenticationForm(LockoutAuthenticationForm, AdminAuthenticationForm):
    """The admin's sign-in (staff only) with the same lockout."""
