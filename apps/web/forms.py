"""Page forms for every library: built from the library's content fields, saved by the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.actor import actor_for
from apps.organizations.models import Organization
from apps.sharing.choices import Scope
from apps.sharing.models import SharedResource
from apps.sharing.policy import CREATORS, REUSERS, scope_choices


class ResourceForm(forms.ModelForm):
    """Base of every library's page form; the version guards against lost updates."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            target = getattr(getattr(field, "queryset", None), "model", None)
            if isinstance(target, type) and issubclass(target, SharedResource):
                # Links offer only what this user may see.
                field.queryset = target.objects.restrict(user, "view").order_by("title")
            if isinstance(field.widget, forms.SelectMultiple):
                field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 5)

    def content(self) -> dict:
        names = (*self._meta.model.CONTENT_FIELDS, *self._meta.model.CONTENT_M2M)
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


def resource_form_class(model):
    """The page form of one library: its CONTENT_FIELDS and CONTENT_M2M."""
    return forms.modelform_factory(
        model, form=ResourceForm, fields=[*model.CONTENT_FIELDS, *model.CONTENT_M2M]
    )


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def owner_field(user, roles=CREATORS, label=None) -> OwnerField:
    label = label or _("Owner")
    ids = [s.org_id for s in actor_for(user).seats_with(roles)]
    return OwnerField(
        queryset=Organization.objects.filter(pk__in=ids), label=label, empty_label=None
    )


class ScopeForm(forms.Form):
    scope = forms.ChoiceField(choices=Scope.choices, label=_("Scope"))

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owner is not None:  # offer what applies to the owner, saying who will see it
            self.fields["scope"].choices = scope_choices(owner)


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Reason"))


class ReuseForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = owner_field(user, REUSERS, label=_("Reuse into"))
