"""The lecturer library's Excel sheet (师资库), with the personal contact columns.

Contact columns (手机, 电子邮箱, 证件号码) are read only if ``faculty.privacy`` lets the
importer read the new owner's lecturers; from empty cells no contact row is made. On
export they are filled per row by ``may_read_contact`` and omitted when no row qualifies;
only the readable lecturers' contact rows are ever queried.
"""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.exchange.columns import (
    ChoiceColumn,
    LibrarySpec,
    TermColumn,
    TermsColumn,
    TextColumn,
    cell_text,
)
from apps.taxonomy.models import LecturerKind, ThematicDomain

from .models import Employment, Lecturer, LecturerContact
from .privacy import may_read_contact


class ContactColumn(TextColumn):
    """A lecturer's personal contact data, written and read only as ``faculty.privacy`` allows."""

    target = "contact"

    def bind(self, model):
        self.model_field = LecturerContact._meta.get_field(self.field)

    def rule_text(self) -> str:
        return " ".join(
            [
                super().rule_text(),
                gettext(
                    "Personal data: stored only by those who may read it, and exported "
                    "only to them."
                ),
            ]
        )

    def export(self, obj, context):
        contact = context.contacts.get(obj.pk)
        return getattr(contact, self.field, "") if contact is not None else ""

    def current(self, obj):
        try:
            contact = obj.contact
        except models.ObjectDoesNotExist:
            return ""
        return cell_text(getattr(contact, self.field))


class LecturerSpec(LibrarySpec):
    """Personal data per ``faculty.privacy``: written and exported only for those who may."""

    def may_write_personal(self, actor, owner) -> bool:
        return may_read_contact(actor, Lecturer(owner=owner))

    def readable_personal(self, objs, actor) -> dict:
        """Contact rows of exactly the lecturers the actor may read (one query, none if none)."""
        allowed = [lecturer.pk for lecturer in objs if may_read_contact(actor, lecturer)]
        if not allowed:
            return {}
        found = {c.lecturer_id: c for c in LecturerContact.objects.filter(lecturer_id__in=allowed)}
        # A readable lecturer without a contact row still gets (empty) contact cells.
        return {pk: found.get(pk) for pk in allowed}


def lecturer_sheet() -> LibrarySpec:
    return LecturerSpec(
        Lecturer,
        label="师资库",
        columns=[
            TextColumn("姓名", "title", _("Name"), aliases=("标题",), width=12),
            TermColumn("师资类别", "kind", LecturerKind, width=20),
            TextColumn("工作单位", "employer", width=24),
            TextColumn("职务", "position"),
            TextColumn("职称", "professional_title"),
            ChoiceColumn(
                "专兼职",
                "employment",
                {Employment.FULL_TIME: "专职", Employment.PART_TIME: "兼职"},
                width=8,
            ),
            TermsColumn("擅长领域", "domains", ThematicDomain, width=24),
            TextColumn("简介", "biography", width=40),
        ],
        contact_columns=[
            ContactColumn("手机", "phone", width=14),
            ContactColumn("电子邮箱", "email", width=22),
            ContactColumn("证件号码", "id_number", width=20),
        ],
        select=("kind",),
    )
