"""Page forms of the consultation reports (咨政报告): a report, and the decision on it.

They only read and type the input; the rules (who may, which lecturers and classes, dates,
the file's type and size) are the services' (apps.consultations.services), whose refusals
are shown beside these fields.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.classes.models import ClassStatus
from apps.classes.services import classes_for
from apps.consultations import policy, services
from apps.consultations.models import AdoptionLevel, Confidentiality, Report
from apps.organizations.models import Organization
from apps.taxonomy.models import ThematicDomain

# The lecturers' model, reached through the report's own field: the pages name no library.
LECTURER = Report._meta.get_field("lecturers").related_model
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class TermMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class LecturerMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title}（{obj.owner.name}）"


class ClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title}（{obj.start_date:%Y-%m-%d}）"


class ReportForm(forms.Form):
    """A report's fields. ``owner`` is chosen when it is filed (among the schools the person
    may file for) and stays the same afterwards."""

    owner = OrgChoiceField(queryset=Organization.objects.none(), label=_("Owner school"))
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DATE)
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"),
        choices=Confidentiality.choices,
        initial=Confidentiality.INTERNAL,
    )
    training_class = ClassChoiceField(
        queryset=None,
        label=_("The class it came from"),
        required=False,
        help_text=_("A class your school hosted or joined."),
    )
    seminar = forms.CharField(
        label=_("Or the seminar it came from"), max_length=200, required=False
    )
    lecturers = LecturerMultipleChoiceField(
        queryset=LECTURER.objects.none(),
        label=_("Lecturer authors"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to pick several."),
    )
    trainee_authors = forms.CharField(
        label=_("Trainee authors"),
        max_length=500,
        required=False,
        help_text=_("Names of the trainees who wrote it, separated by commas."),
    )
    domains = TermMultipleChoiceField(
        queryset=ThematicDomain.objects.active(),
        label=_("Thematic domains"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    file = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("A PDF or Word document. A new file replaces the old one."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, obj: Report | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.obj = obj
        owners = policy.owners_for(user)
        if obj is None:
            self.fields["owner"].queryset = Organization.objects.filter(pk__in=owners).order_by(
                "path"
            )
            self.fields["owner"].empty_label = None
        else:
            del self.fields["owner"]
            owners = [obj.owner_id]
        self.fields["training_class"].queryset = (
            classes_for(user)
            .filter(Q(host_id__in=owners) | Q(partners__in=owners))
            .exclude(status=ClassStatus.PLANNED)
            .distinct()
            .order_by("-start_date", "-id")
        )
        choosable = Q(pk__in=LECTURER.objects.restrict(user, "view").values("pk"))
        if obj is not None:  # the authors already named stay choosable
            choosable |= Q(pk__in=obj.lecturers.values("pk"))
        self.fields["lecturers"].queryset = (
            LECTURER.objects.filter(choosable).select_related("owner").order_by("title", "id")
        )

    @classmethod
    def initial_of(cls, obj: Report) -> dict:
        initial = {name: getattr(obj, name) for name in services.REPORT_FIELDS}
        initial["training_class"] = obj.training_class_id
        initial["lecturers"] = [x.pk for x in obj.lecturers.all()]
        initial["domains"] = [d.pk for d in obj.domains.all()]
        initial["version"] = obj.version
        return initial

    def data_for_services(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in services.REPORT_FIELDS}
        for name in ("summary", "trainee_authors", "seminar"):
            data[name] = data[name] or ""
        data["lecturers"] = list(self.cleaned_data.get("lecturers") or [])
        data["domains"] = list(self.cleaned_data.get("domains") or [])
        return data


class DecisionForm(forms.Form):
    """Adopted (at a level, on a day) or not adopted, with a note."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("adopt", _("Adopted")), ("decline", _("Not adopted"))],
        widget=forms.RadioSelect,
        initial="adopt",
    )
    level = forms.ChoiceField(
        label=_("Adoption level"),
        choices=[("", "—"), *AdoptionLevel.choices],
        required=False,
    )
    adopted_on = forms.DateField(label=_("Adopted on"), widget=DATE, required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
