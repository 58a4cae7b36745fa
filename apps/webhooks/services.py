"""Registering, listing and removing webhooks: the rules, for the API (and any other door).

Who: the submitters of a partner department (``Role.SUBMITTER`` in an organisation of kind
``department``) manage their own department's webhooks, and nobody else's: another
organisation's webhook answers 404, as if it did not exist. Schools have none (in-app and
e-mail notifications serve them; see ``/tmp/decisions-webhooks.md``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.accounts.actor import actor_for
from apps.accounts.models import Role
from apps.notifications.models import Kind
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.exceptions import ActionDenied, InvalidInput, ResourceNotFound

from .addresses import AddressRefused, check
from .models import Attempt, Delivery, Webhook

MANAGER_ROLES = frozenset({Role.SUBMITTER})


def managed_organizations(user) -> list[int]:
    """Ids of the partner departments whose webhooks ``user`` manages (empty for schools)."""
    return [
        seat.org_id
        for seat in actor_for(user).seats
        if seat.role in MANAGER_ROLES and seat.org_kind == OrganizationKind.DEPARTMENT
    ]


def registering_organization(user) -> int:
    """The department a webhook of ``user``'s is registered for; ``ActionDenied`` (403) for
    anyone who is no department's submitter (checked before the input, as every refusal by
    role is)."""
    orgs = managed_organizations(user)
    if not orgs:
        raise ActionDenied(_("Only the submitters of a partner department may register webhooks."))
    return orgs[0]


def webhooks_of(user) -> QuerySet[Webhook]:
    """The webhooks ``user`` may see and manage (their departments'), newest first."""
    orgs = managed_organizations(user)
    if not orgs:
        return Webhook.objects.none()
    return Webhook.objects.filter(organization_id__in=orgs).select_related("organization")


def webhook_get(user, pk) -> Webhook:
    webhook = webhooks_of(user).filter(pk=pk).first()
    if webhook is None:
        raise ResourceNotFound()
    return webhook


def deliveries_of(user, pk) -> QuerySet[Delivery]:
    """The delivery log of one of ``user``'s webhooks, newest first, each with its attempts."""
    webhook = webhook_get(user, pk)
    return webhook.deliveries.order_by("-id").prefetch_related(
        Prefetch("log", queryset=Attempt.objects.order_by("number"))
    )


def _clean_events(events) -> list[str]:
    known = set(Kind.values)
    if not isinstance(events, list | tuple) or not events:
        raise InvalidInput(errors={"events": [_("Choose at least one kind of event.")]})
    unknown = [e for e in events if not isinstance(e, str) or e not in known]
    if unknown:
        raise InvalidInput(
            errors={
                "events": [
                    _("Unknown kind of event: %(kinds)s. Known kinds: %(known)s.")
                    % {
                        "kinds": ", ".join(map(str, unknown))[:200],
                        "known": ", ".join(Kind.values),
                    }
                ]
            }
        )
    return sorted(set(events), key=Kind.values.index)


def _clean_url(url) -> str:
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput(errors={"url": [_("This field is required.")]})
    url = url.strip()
    if len(url) > Webhook._meta.get_field("url").max_length:
        raise InvalidInput(
            errors={
                "url": [
                    _("The address may have at most %(limit)d characters.")
                    % {"limit": Webhook._meta.get_field("url").max_length}
                ]
            }
        )
    try:
        check(url)
    except AddressRefused as refused:
        raise InvalidInput(errors={"url": [refused.message]}) from None
    return url


def webhook_create(*, user, url, events) -> tuple[Webhook, str]:
    """Register a webhook for the user's department; returns it and its secret (shown once).

    Refused (nothing saved): 403 for anyone who is no department's submitter, 400 naming the
    field for a bad address (not http(s), unresolvable, or private/loopback/… unless
    ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES``), unknown or no events, or the department's limit
    (``WEBHOOK_MAX_PER_ORGANIZATION``) reached.
    """
    organization_id = registering_organization(user)
    errors = {}
    for name, clean, value in (("url", _clean_url, url), ("events", _clean_events, events)):
        try:
            cleaned = clean(value)
        except InvalidInput as invalid:
            errors.update(invalid.errors)
        else:
            if name == "url":
                url = cleaned
            else:
                events = cleaned
    if errors:
        raise InvalidInput(errors=errors)
    limit = settings.WEBHOOK_MAX_PER_ORGANIZATION
    with transaction.atomic():
        # Counted under a lock of the department's row (PostgreSQL), so that two concurrent
        # registrations cannot both take the last place.
        organization = Organization.objects.select_for_update().order_by().get(pk=organization_id)
        taken = Webhook.objects.filter(organization_id=organization_id).count()
        if taken >= limit:
            raise InvalidInput(
                _("Your department already has %(limit)d webhooks; delete one first.")
                % {"limit": limit},
                errors={
                    "non_field_errors": [
                        _("Your department already has %(limit)d webhooks; delete one first.")
                        % {"limit": limit}
                    ]
                },
            )
        secret = secrets.token_urlsafe(32)
        webhook = Webhook.objects.create(
            organization=organization,
            created_by=user,
            url=url,
            events=events,
            secret=secret,
        )
    return webhook, secret


def webhook_delete(*, user, pk) -> None:
    """Remove one of the user's department's webhooks, and its delivery log with it."""
    webhook_get(user, pk).delete()
