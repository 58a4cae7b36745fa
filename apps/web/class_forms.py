"""Page forms of the training classes (班次): a class, and a session of its timetable.

They only read and type the input; the rules (who may, what a class may use, clashes, dates)
are the services' (apps.classes.services), whose refusals are shown beside these fields.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from apps.classes import policy, services
from apps.classes.models import (
    CadreLevel,
    ClassTheme,
    ClassType,
    Session,
    SessionLecturer,
    SiteVisit,
    TrainingClass,
)
from apps.organizations.models import Organization, OrganizationKind
from apps.taxonomy.models import ThematicDomain

# The library models a session refers to, reached through the session's own fields: the pages
# name no library (docs/architecture.md).
COURSE = Session._meta.get_field("course").related_model
LECTURER = SessionLecturer._meta.get_field("lecturer").related_model
SITE = SiteVisit._meta.get_field("site").related_model


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class OrgMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class TermMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class ResourceChoiceField(forms.ModelChoiceField):
    """A library resource with its owner, so two of one title can be told apart."""

    def label_from_instance(self, obj):
        return f"{obj.title}（{obj.owner.name}）"


class ResourceMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title}（{obj.owner.name}）"


class ClassForm(forms.Form):
    """A class's fields. ``host`` is chosen when it is created (among the schools the person
    may create classes for) and stays the same afterwards."""

    host = OrgChoiceField(queryset=Organization.objects.none(), label=_("Host school"))
    title = forms.CharField(label=_("Title"), max_length=200)
    class_type = forms.ChoiceField(
        label=_("Class type"), choices=ClassType.choices, initial=ClassType.SPECIALISED
    )
    theme = forms.ModelChoiceField(
        queryset=ClassTheme.objects.active(), label=_("Theme"), required=False
    )
    domains = TermMultipleChoiceField(
        queryset=ThematicDomain.objects.active(),
        label=_("Thematic domains"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start_date = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    trainee_count = forms.IntegerField(label=_("Number of trainees"), max_value=2000)
    cadre_level = forms.ChoiceField(
        label=_("Cadre level"), choices=CadreLevel.choices, initial=CadreLevel.SECTION
    )
    trainee_units = forms.CharField(label=_("Trainees' units"), max_length=300, required=False)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    partners = OrgMultipleChoiceField(
        queryset=Organization.objects.none(),
        label=_("Partner schools (a joint class)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to pick several."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, obj: TrainingClass | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.obj = obj
        if obj is None:
            self.fields["host"].queryset = services.host_choices(user).order_by("path")
            self.fields["host"].empty_label = None
        else:
            del self.fields["host"]
        self.fields["partners"].queryset = Organization.objects.exclude(
            kind=OrganizationKind.DEPARTMENT
        ).order_by("path")

    @classmethod
    def initial_of(cls, obj: TrainingClass) -> dict:
        initial = {name: getattr(obj, name) for name in services.CLASS_FIELDS}
        initial["theme"] = obj.theme_id
        initial["partners"] = [o.pk for o in obj.partners.all()]
        initial["domains"] = [d.pk for d in obj.domains.all()]
        initial["version"] = obj.version
        return initial

    def data_for_services(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in services.CLASS_FIELDS}
        data["trainee_units"] = data["trainee_units"] or ""
        data["venue"] = data["venue"] or ""
        data["partners"] = list(self.cleaned_data.get("partners") or [])
        data["domains"] = list(self.cleaned_data.get("domains") or [])
        return data


def class_days(training_class: TrainingClass) -> list:
    days = []
    day = training_class.start_date
    while day <= training_class.end_date:
        days.append(day)
        day += timedelta(days=1)
    return days


class SessionForm(forms.Form):
    """A session: a day of the class, its hours, a course and lecturers the class may use
    (``policy.usable_q``), maybe a site visit, a note."""

    day = forms.TypedChoiceField(label=_("Day"), coerce=lambda v: datetime.strptime(v, "%Y-%m-%d"))
    start = forms.TimeField(
        label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    course = ResourceChoiceField(queryset=COURSE.objects.none(), label=_("Course"))
    lecturers = ResourceMultipleChoiceField(
        queryset=LECTURER.objects.none(),
        label=_("Lecturers"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to pick several."),
    )
    site = ResourceChoiceField(
        queryset=SITE.objects.none(),
        label=_("On-site teaching site (a visit asks the site's owner)"),
        required=False,
    )
    visitors = forms.IntegerField(
        label=_("Visitors"),
        min_value=1,
        required=False,
        help_text=_("Empty: the class's number of trainees."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, training_class: TrainingClass, orgs: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.training_class = training_class
        self.fields["day"].choices = [
            (d.isoformat(), date_format(d, "Y-m-d (D)")) for d in class_days(training_class)
        ]
        usable = policy.usable_q(training_class, orgs=orgs)
        for name, model in (("course", COURSE), ("lecturers", LECTURER), ("site", SITE)):
            self.fields[name].queryset = (
                model.objects.filter(usable).select_related("owner").order_by("title", "id")
            )
        self.fields["site"].queryset = self.fields["site"].queryset.exclude(lifecycle="retired")

    @classmethod
    def initial_of(cls, session: Session) -> dict:
        starts = timezone.localtime(session.starts_at)
        ends = timezone.localtime(session.ends_at)
        visit = getattr(session, "visit", None)
        return {
            "day": starts.date().isoformat(),
            "start": starts.time(),
            "end": ends.time(),
            "course": session.course_id,
            "lecturers": [lecturer.pk for lecturer in session.lecturers.all()],
            "site": visit.site_id if visit else None,
            "visitors": visit.visitors if visit else None,
            "note": session.note,
            "version": session.version,
        }

    def session_input(self) -> services.SessionInput:
        tz = timezone.get_current_timezone()
        day = self.cleaned_data["day"].date()
        site = self.cleaned_data.get("site")
        return services.SessionInput(
            starts_at=datetime.combine(day, self.cleaned_data["start"], tzinfo=tz),
            ends_at=datetime.combine(day, self.cleaned_data["end"], tzinfo=tz),
            course=self.cleaned_data["course"].pk,
            lecturers=[lecturer.pk for lecturer in self.cleaned_data["lecturers"]],
            site=site.pk if site else None,
            visitors=self.cleaned_data.get("visitors") if site else None,
            note=self.cleaned_data.get("note") or "",
        )


# The services name the slot's fields as the model does; the form names them for people.
SESSION_FIELD_OF = {"starts_at": "day", "ends_at": "end"}
