"""The ``call`` on a library's "new" page: a new resource given in answer to a call (征集).

``answer_part`` adds a select of the reader's open calls that want this library's kind to the
page form (preset by ``?call=<id>``, the call page's "answer with …" links); the page then
creates the resource and records the answer in one transaction (``record``), and a refusal
(not invited, kind not wanted, closed) shows beside the select with nothing created.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.calls import services


class CallAnswerForm(forms.Form):
    template_name = "web/calls/_answer_part.html"

    call = forms.TypedChoiceField(
        label=_("In answer to the call"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, data=None, *, calls, initial_call=None):
        super().__init__(data, prefix=None, initial={"call": initial_call})
        self.calls = {call.pk: call for call in calls}
        self.fields["call"].choices = [
            ("", _("— not in answer to a call —")),
            *((call.pk, f"{call.topic}（{call.organization.name}）") for call in calls),
        ]

    # ---- the FormPart protocol (apps.sharing.registry) ---------------------------------------

    def content(self) -> dict:
        return {}  # nothing for the library's service: the answer is recorded after it

    def take_errors(self, errors: dict[str, list[str]]) -> dict[str, list[str]]:
        for message in errors.get("call", []):
            self.add_error("call", message)
        return {k: v for k, v in errors.items() if k != "call"}

    def chosen(self):
        pk = self.cleaned_data.get("call") if self.is_bound and self.is_valid() else None
        return self.calls.get(pk)

    def record(self, resource, *, user) -> None:
        """After the resource is created, in the same transaction: its answer, or a refusal
        (``InvalidInput`` naming ``call``) that undoes both."""
        call = self.chosen()
        if call is not None:
            services.answer_record(call=call, resource=resource, user=user)


def answer_part(library, request) -> CallAnswerForm | None:
    """The select, when the reader has open calls wanting this kind; else nothing on the page."""
    calls = [
        call
        for call in services.answer_options(request.user, select_related=("organization",))
        if library.key in call.kinds
    ]
    if not calls:
        return None
    try:
        initial = int(request.GET.get("call", ""))
    except ValueError:
        initial = None
    data = request.POST if request.method == "POST" else None
    return CallAnswerForm(data, calls=calls, initial_call=initial)
