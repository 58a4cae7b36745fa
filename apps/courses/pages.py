"""The course library's pages beyond its fields: the visible group on the detail page, and the
"1+N" teaching group edited under the course's page form (saved by the sharing services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.faculty.models import Lecturer

from .models import GroupRole


def detail_context(obj, *, user, actor) -> dict:
    """The "1+N" teaching group, with only the lecturers the reader may see."""
    return {
        "group": obj.teaching_group.filter(
            lecturer__in=Lecturer.objects.restrict(user, "view")
        ).select_related("lecturer", "lecturer__kind")
    }


# ---- the teaching group on the page form -----------------------------------------------------


class SeatForm(forms.Form):
    """One seat: a lecturer the editor may see, their role in the group, what they teach."""

    lecturer = forms.TypedChoiceField(label=_("Lecturer"), coerce=int)
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *GroupRole.choices])
    duty = forms.CharField(label=_("Teaches"), max_length=120, required=False)

    def __init__(self, *args, lecturer_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lecturer"].choices = lecturer_choices
        for field in self.fields.values():  # the column headers label the cells
            field.widget.attrs["aria-label"] = field.label


def _lecturer_label(lecturer: Lecturer) -> str:
    """The name, and the employer that tells two people of one name apart."""
    return f"{lecturer.title}（{lecturer.employer}）" if lecturer.employer else lecturer.title


class BaseGroupFormSet(forms.BaseFormSet):
    """The seats the editor may see, in order, plus empty rows to add more (no JavaScript).

    Only field input is checked here; the group's own rules (one lead expert, one seat per
    lecturer, lecturers the editor may see) are ``courses.services.teaching_group_set``'s,
    and its errors are shown back beside the rows they name (``take_errors``).
    """

    template_name = "courses/_group_form.html"  # the part under the page form

    def __init__(self, *args, lecturers: dict[int, Lecturer], hidden_seats: int, **kwargs):
        self.lecturers = lecturers
        self.hidden_seats = hidden_seats
        # Evaluated once for every row's select: no query per row.
        self.lecturer_choices = [("", "—")] + [
            (pk, _lecturer_label(lecturer)) for pk, lecturer in lecturers.items()
        ]
        self.group_errors: list[str] = []
        self._member_forms: list[forms.Form] = []
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"lecturer_choices": self.lecturer_choices}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["aria-label"] = _("Remove")

    def _kept_forms(self) -> list[forms.Form]:
        return [
            form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)
        ]

    # ---- the FormPart protocol (apps.sharing.registry) ---------------------------------------

    def is_valid(self) -> bool:
        # A post without the group's rows (an older form, a script) leaves the group alone.
        return not self.is_bound or super().is_valid()

    def content(self) -> dict:
        """The whole visible group, when the editor changed anything in it."""
        if not self.is_bound or not self.has_changed():
            return {}
        self._member_forms = self._kept_forms()
        return {
            "teaching_group": [
                {
                    "lecturer": self.lecturers[form.cleaned_data["lecturer"]],
                    "role": form.cleaned_data["role"],
                    "duty": form.cleaned_data["duty"],
                }
                for form in self._member_forms
            ]
        }

    def take_errors(self, errors: dict[str, list[str]]) -> dict[str, list[str]]:
        rest = {}
        for key, messages in errors.items():
            name, _dot, tail = key.partition(".")
            if name != "teaching_group":
                rest[key] = messages
                continue
            index, _dot, field = tail.partition(".")
            if index.isdigit() and int(index) < len(self._member_forms):
                form = self._member_forms[int(index)]
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
            else:
                self.group_errors.extend(messages)
        return rest


GroupFormSet = forms.formset_factory(
    SeatForm, formset=BaseGroupFormSet, extra=2, can_delete=True, max_num=50, validate_max=True
)


def group_part(*, data, obj, user, actor) -> BaseGroupFormSet:
    """The teaching group under a course's page form: the seats whose lecturer the editor may
    see (seats held by others stay as they are: the service keeps them)."""
    lecturers = {
        lecturer.pk: lecturer
        for lecturer in Lecturer.objects.restrict(user, "view")
        .only("id", "title", "employer")
        .order_by("title", "id")
    }
    initial, hidden = [], 0
    if obj is not None:
        for seat in obj.teaching_group.all():
            if seat.lecturer_id in lecturers:
                initial.append({"lecturer": seat.lecturer_id, "role": seat.role, "duty": seat.duty})
            else:
                hidden += 1
    if data is not None and "group-TOTAL_FORMS" not in data:
        data = None  # posted without the group: it stays as it is
    return GroupFormSet(
        data, initial=initial, prefix="group", lecturers=lecturers, hidden_seats=hidden
    )
