"""How a notification reads, in the interface's language (pages, e-mail, the API's ``text``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Kind, Notification


def describe(notification: Notification) -> str:
    data = notification.data or {}
    title = notification.title
    kind = notification.kind
    if kind == Kind.SUBMITTED:
        return _("“%(title)s” was submitted and waits for your review") % {"title": title}
    if kind == Kind.PUBLISHED:
        return _("“%(title)s” was published") % {"title": title}
    if kind == Kind.REJECTED:
        return _("“%(title)s” was rejected: %(reason)s") % {
            "title": title,
            "reason": data.get("reason", ""),
        }
    if kind == Kind.WITHDRAWN:
        return _("“%(title)s” was withdrawn") % {"title": title}
    if kind == Kind.REUSED:
        return _("%(school)s reused your “%(title)s”") % {
            "school": data.get("school", notification.actor_name),
            "title": title,
        }
    if kind == Kind.SOURCE_UPDATED:
        return _("The source of your copy “%(title)s” was updated (version %(from)s → %(to)s)") % {
            "title": title,
            "from": data.get("from_version", "?"),
            "to": data.get("to_version", "?"),
        }
    if kind == Kind.SOURCE_WITHDRAWN:
        return _("The source of your copy “%(title)s” was withdrawn; your copy keeps working") % {
            "title": title
        }
    if kind == Kind.SITE_LIFECYCLE:
        return _("Site “%(title)s” is now %(state)s") % {
            "title": title,
            "state": data.get("state_label", data.get("to", "")),
        }
    if kind == Kind.VISIT_REQUESTED:
        return _("%(school)s asks to visit “%(title)s” on %(when)s with %(visitors)s trainees") % {
            "school": data.get("school", ""),
            "title": title,
            "when": data.get("when", ""),
            "visitors": data.get("visitors", "?"),
        }
    if kind == Kind.VISIT_DECIDED:
        if data.get("confirmed"):
            return _("“%(title)s” confirmed the visit on %(when)s") % {
                "title": title,
                "when": data.get("when", ""),
            }
        return _("“%(title)s” declined the visit on %(when)s: %(reason)s") % {
            "title": title,
            "when": data.get("when", ""),
            "reason": data.get("reason", ""),
        }
    if kind == Kind.RECOMMENDED:
        return _("%(district)s recommends “%(title)s” to the city: %(note)s") % {
            "district": data.get("district", notification.actor_name),
            "title": title,
            "note": data.get("note", ""),
        }
    if kind == Kind.RECOMMENDATION_DECLINED:
        return _("The city declined the recommendation of “%(title)s”: %(reason)s") % {
            "title": title,
            "reason": data.get("reason", ""),
        }
    if kind == Kind.REVIEW_DUE:
        return _("“%(title)s” is due for review by %(date)s") % {
            "title": title,
            "date": data.get("review_by", ""),
        }
    if kind == Kind.CALL_INVITED:
        return _("%(publisher)s invites you to answer the call “%(title)s” by %(date)s") % {
            "publisher": data.get("publisher", notification.actor_name),
            "title": title,
            "date": data.get("due_on", ""),
        }
    if kind == Kind.CALL_LATE:
        return _("The call “%(title)s” was due on %(date)s and still waits for your answer") % {
            "title": title,
            "date": data.get("due_on", ""),
        }
    if kind == Kind.REVIEW_OVERDUE:
        return _("“%(title)s” is overdue for review (review by %(date)s)") % {
            "title": title,
            "date": data.get("review_by", ""),
        }
    return title
