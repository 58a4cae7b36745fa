"""People, their seats in organisations, and their API tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization, OrganizationKind


class User(AbstractUser):
    """A person who signs in: a teacher, curator or admin of a school, or a department submitter.

    What they may do comes from their memberships, never from Django's model
    permissions; ``is_staff`` only opens the admin site to curators and admins.
    """

    display_name = models.CharField(_("display name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    """A member's role in one organisation. Each school role includes the ones below it."""

    ADMIN = "admin", _("Admin")
    CURATOR = "curator", _("Curator")
    TEACHER = "teacher", _("Teacher")
    VIEWER = "viewer", _("Viewer")
    SUBMITTER = "submitter", _("Submitter")


SCHOOL_ROLES = frozenset({Role.ADMIN, Role.CURATOR, Role.TEACHER, Role.VIEWER})
DEPARTMENT_ROLES = frozenset({Role.SUBMITTER})


class Membership(models.Model):
    """One seat: a user holds exactly one role in one organisation (成员及角色)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_role_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"

    @staticmethod
    def allowed_roles(organization: Organization) -> frozenset[str]:
        if organization.kind == OrganizationKind.DEPARTMENT:
            return DEPARTMENT_ROLES
        return SCHOOL_ROLES


TOKEN_PREFIX = "rp"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored: a dump yields no usable token."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80, blank=True)
    key_id = models.CharField(_("key id"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    read_only = models.BooleanField(_("read only"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{TOKEN_PREFIX}_{self.key_id}_…"

    @classmethod
    def issue(
        cls, *, user: User, name: str = "", read_only: bool = False, days: int | None = None
    ) -> tuple["ApiToken", str]:
        """Create a token; the raw value is returned once and never stored.

        Entry points call ``services.token_issue``, which adds the per-person limit."""
        key_id = secrets.token_hex(6)
        raw = f"{TOKEN_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        lifetime = days if days is not None else settings.API_TOKEN_DEFAULT_DAYS
        token = cls.objects.create(
            user=user,
            name=name,
            key_id=key_id,
            key_hash=hash_token(raw),
            read_only=read_only,
            expires_at=timezone.now() + timedelta(days=lifetime),
        )
        return token, raw

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
