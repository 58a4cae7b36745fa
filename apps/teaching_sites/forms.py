"""The form that moves a site along its lifecycle, on its page and in the admin."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import LIFECYCLE_MOVES, Lifecycle


class LifecycleForm(forms.Form):
    """Offers only the moves the site's current state allows. Any state is accepted back, so
    a move that is no longer allowed (the page was stale) is refused by the service, in its
    words, rather than by the form; ``version`` refuses a move made over someone else's."""

    to = forms.ChoiceField(label=_("Move to"), choices=Lifecycle.choices)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    effective_on = forms.DateField(
        label=_("Effective on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, site, **kwargs):
        kwargs.setdefault(
            "initial", {"effective_on": timezone.localdate(), "version": site.version}
        )
        super().__init__(*args, **kwargs)
        self.site = site
        moves = LIFECYCLE_MOVES.get(site.lifecycle, frozenset())
        self.fields["to"].widget.choices = [(s.value, s.label) for s in Lifecycle if s in moves]

    @property
    def has_moves(self) -> bool:
        return bool(self.fields["to"].widget.choices)

    def service_kwargs(self) -> dict:
        """What ``services.site_change_lifecycle`` takes from the form."""
        data = self.cleaned_data
        return {
            "to_state": data["to"],
            "reason": data["reason"],
            "effective_on": data["effective_on"],
            "expected_version": data.get("version"),
        }
