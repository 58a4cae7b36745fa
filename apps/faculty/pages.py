"""The lecturer library's pages beyond its fields: the detail section, and the personal contact
data edited under the lecturer's page form by those ``faculty.privacy`` lets read it."""

from django import forms

from apps.organizations.models import Organization
from apps.sharing.policy import CREATORS

from .models import Lecturer, LecturerContact
from .privacy import may_read_contact


def detail_context(obj, *, user, actor) -> dict:
    """The courses they teach (only those the reader may see) and, for those allowed by
    ``faculty.privacy``, their personal contact data.

    The seats belong to the course library, which links to lecturers; they are reached
    through the relation, so this library never imports the one above it.
    """
    course_model = obj.group_seats.model._meta.get_field("course").related_model
    return {
        "teaches": obj.group_seats.filter(
            course__in=course_model.objects.restrict(user, "view")
        ).select_related("course"),
        "contact": getattr(obj, "contact", None) if may_read_contact(actor, obj) else None,
    }


# ---- the contact data on the page form -------------------------------------------------------

CONTACT_FIELDS = ("phone", "email", "id_number")


class ContactForm(forms.ModelForm):
    """Phone, e-mail and ID number, under the lecturer's page form (never saved by itself:
    the page hands them to the sharing services as ``data["contact"]``)."""

    template_name = "faculty/_contact_form.html"  # the part under the page form

    class Meta:
        model = LecturerContact
        fields = CONTACT_FIELDS

    def __init__(self, *args, recorded: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.recorded = recorded  # a contact row exists already

    # ---- the FormPart protocol (apps.sharing.registry) ---------------------------------------

    def is_valid(self) -> bool:
        # A post without the contact fields (an older form, a script) leaves them alone.
        return not self.is_bound or super().is_valid()

    def content(self) -> dict:
        if not self.is_bound:
            return {}
        values = {name: self.cleaned_data[name] for name in CONTACT_FIELDS}
        if not self.recorded and not any(values.values()):
            return {}  # nothing typed: no empty contact row
        if not self.has_changed():
            return {}
        return {"contact": values}

    def take_errors(self, errors: dict[str, list[str]]) -> dict[str, list[str]]:
        rest = {}
        for key, messages in errors.items():
            name, _dot, field = key.partition(".")
            if name != "contact":
                rest[key] = messages
                continue
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return rest


def _may_read_any_new(actor) -> bool:
    """On a new lecturer: may this user read the contact of a lecturer owned by one of the
    organisations they may create for? (Their seats carry what the rule needs: no query.)"""
    for seat in actor.seats_with(CREATORS):
        owner = Organization(pk=seat.org_id, path=seat.org_path, kind=seat.org_kind)
        if may_read_contact(actor, Lecturer(owner=owner)):
            return True
    return False


def contact_part(*, data, obj, user, actor) -> ContactForm | None:
    """The contact fields, only for those allowed to read them (``faculty.privacy``); for
    anyone else they are not on the page at all, and an edit leaves them as they are."""
    if data is not None and not any(f"contact-{name}" in data for name in CONTACT_FIELDS):
        data = None  # posted without the contact fields: they stay as they are
    if obj is None:
        if not _may_read_any_new(actor):
            return None
        return ContactForm(data, prefix="contact", recorded=False)
    if not may_read_contact(actor, obj):
        return None
    recorded = LecturerContact.objects.filter(lecturer=obj).first()
    return ContactForm(data, instance=recorded, prefix="contact", recorded=recorded is not None)
