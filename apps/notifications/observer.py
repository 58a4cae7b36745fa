"""Events from the sharing workflow: the named actions, observed (``apps.sharing.actions``).

Runs inside each action's transaction, after it succeeded, and only enqueues (``emit``): the
people are found and told by the fan-out job in a worker.
"""

from __future__ import annotations

from typing import Any

from .delivery import emit
from .models import Kind

_AFTER = {
    "submit": Kind.SUBMITTED,
    "publish": Kind.PUBLISHED,
    "reject": Kind.REJECTED,
    "withdraw": Kind.WITHDRAWN,
}


def _school_of(user, organization) -> str:
    return organization.name if organization is not None else ""


def notify_on_action(spec, proceed, args, kwargs) -> Any:
    result = proceed()
    user = kwargs.get("user")
    name = spec.name
    if name in _AFTER and result is not None:
        data = {"reason": result.rejection_reason} if name == "reject" else {}
        data["status"] = result.status
        emit(_AFTER[name], result, user=user, data=data)
        if name == "publish":
            _source_updated(result, user)
        elif name == "withdraw" and _has_copies(result):
            emit(
                Kind.SOURCE_WITHDRAWN,
                result,
                user=user,
                key=f"source_withdrawn:{result._meta.label_lower}:{result.pk}:v{result.version}",
            )
    elif name == "update" and getattr(result, "resubmitted", False):
        # A partner department's correction of a rejected case goes straight back to review:
        # the curators are told as for any submission.
        emit(Kind.SUBMITTED, result, user=user, data={"status": result.status})
    elif (
        name in ("update", "sync")
        and result is not None
        and result.status == "published"
        and not kwargs.get("decline")
    ):
        # An edit of a published resource (or a sync of a published copy) is a new
        # published version: the copies made from it are told.
        _source_updated(result, user)
    elif name == "reuse" and result is not None:
        source = kwargs.get("source")
        if source is not None:
            school = kwargs.get("target") or result.owner
            emit(
                Kind.REUSED,
                source,
                user=user,
                actor_name=_school_of(user, school),
                data={"school": school.name, "copy": result.pk, "version": source.version},
                key=f"reused:{source._meta.label_lower}:{source.pk}:copy{result.pk}",
            )
    elif name == "recommend" and result is not None:
        emit(
            Kind.RECOMMENDED,
            result,
            user=user,
            actor_name=result.recommended_by.name,
            data={"district": result.recommended_by.name, "note": result.recommendation_note},
        )
    elif name == "decline_recommendation" and result is not None:
        declined = getattr(result, "declined_recommendation", None) or {}
        emit(Kind.RECOMMENDATION_DECLINED, result, user=user, data=declined)
    elif name == "lifecycle" and result is not None:
        emit(
            Kind.SITE_LIFECYCLE,
            result,
            user=user,
            data={"to": result.lifecycle, "state_label": str(result.get_lifecycle_display())},
        )
    return result


def _has_copies(resource) -> bool:
    return type(resource).objects.filter(source=resource).exists()


def _source_updated(resource, user) -> None:
    """Tell the copies' owners of a newly kept published version — only when this action kept
    one (a publication or save that changed no content keeps none: nothing new to tell) and
    there are copies (saves a job per publication). The event is keyed by the kept version,
    so a version is announced once."""
    if resource.published_version != resource.version:
        return
    if _has_copies(resource):
        emit(
            Kind.SOURCE_UPDATED,
            resource,
            user=user,
            data={"to_version": resource.published_version},
            key=(
                f"source_updated:{resource._meta.label_lower}:{resource.pk}"
                f":v{resource.published_version}"
            ),
        )
