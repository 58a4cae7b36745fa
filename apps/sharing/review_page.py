"""The 复核 form on a reviewable library's detail page (``PageAction``, reached by ``apps.web``
through the registry: cases and courses name ``REREVIEW_ACTION`` in their entries). The
change itself is ``services.resource_rereview``, which decides whatever the page offered."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import review, services
from .exceptions import ActionDenied, InvalidTransition
from .policy import policy
from .registry import PageAction


class RereviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[
            ("confirm", gettext_lazy("Still current: confirm with a new review-by date")),
            ("draft", gettext_lazy("Out of date: send back to draft for rework")),
        ],
        widget=forms.RadioSelect,
        initial="confirm",
    )
    review_by = forms.DateField(
        label=gettext_lazy("Next review by"),
        required=False,
        help_text=gettext_lazy("Leave empty for today plus the library's interval."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj, **kwargs):
        kwargs.setdefault(
            "initial",
            {"version": obj.version, "review_by": review.default_review_by(type(obj))},
        )
        super().__init__(*args, **kwargs)
        self.obj = obj

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "draft":
            data["review_by"] = None  # the date field is only read when confirming
        return data


def may_rereview(obj, *, actor) -> bool:
    try:
        policy.check_rereview(actor, obj)
    except (ActionDenied, InvalidTransition):
        return False
    return True


def rereview(obj, form: RereviewForm, *, user) -> str:
    data = form.cleaned_data
    done = services.resource_rereview(
        type(obj),
        user=user,
        pk=obj.pk,
        outcome=data["outcome"],
        review_by=data.get("review_by"),
        note=data.get("note", ""),
        expected_version=data.get("version"),
    )
    if data["outcome"] == "draft":
        return _("Sent back to draft for rework.")
    return _("Confirmed; next review by %(date)s.") % {
        "date": done.review_by.isoformat() if done.review_by else ""
    }


REREVIEW_ACTION = PageAction(
    name="rereview",
    offered=may_rereview,
    form=lambda obj, data=None: RereviewForm(data, obj=obj),
    perform=rereview,
    template="web/review/_rereview_form.html",
)
