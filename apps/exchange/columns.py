"""The vocabulary of a library's sheet: ``LibrarySpec`` and the ``Column`` types.

Each library declares its own sheet in its folder (``apps/<library>/sheet.py``) with these
types and names it in its registry entry (``Library.sheet``). A column knows its fixed
Chinese header (the file format, the same in every interface language), the content field it
fills, how to read a cell into a value (``parse``), how to write the stored value back
(``export``) and how to compare the two (``current`` / ``comparable``), so that a re-
imported row can be recognised as unchanged. Scalar cells are checked by the model field's
own ``clean`` (length, range, decimal places, e-mail), so a cell is accepted exactly when
the model would accept it."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.registry import find_library

# Multi-valued cells: 、 , ， ; ； or line breaks between the values.
SEPARATORS = re.compile(r"[、,，;；\n]+")
JOINER = "、"

SKIP = object()  # a cell that says nothing: the field is neither compared nor written


class CellError(Exception):
    """A cell that cannot be read; the message is for the person who filled it in."""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


def cell_text(raw) -> str:
    """Any cell value as trimmed text (whole numbers without ``.0``)."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, datetime.datetime):
        return raw.date().isoformat() if raw.time() == datetime.time() else raw.isoformat(" ")
    if isinstance(raw, datetime.date | datetime.time):
        return raw.isoformat()
    return str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()


def _messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


class Column:
    """One importable and exportable column of a library's sheet."""

    target = "field"  # where the value goes: "field", "m2m" or "contact"
    rule = ""

    def __init__(self, header: str, field: str, description=None, *, aliases=(), width=16):
        self.header = header
        self.field = field
        self.aliases = tuple(aliases)
        self.width = width
        self._description = description
        self.model_field: models.Field | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.header}>"

    def bind(self, model: type[models.Model]) -> None:
        self.model_field = model._meta.get_field(self.field)

    # ---- describing the column (the instructions sheet) ------------------------------------

    @property
    def required(self) -> bool:
        field = self.model_field
        return bool(field is not None and not field.blank)

    def meaning(self) -> str:
        text = self._description or getattr(self.model_field, "verbose_name", "")
        return capfirst(str(text))

    def rule_text(self) -> str:
        return str(self.rule)

    def allowed_values(self, lookups: Lookups) -> list[str]:
        return []

    # ---- reading and writing cells ---------------------------------------------------------

    def parse(self, raw, lookups: Lookups) -> Any:
        raise NotImplementedError

    def export(self, obj, context: ExportContext) -> Any:
        return getattr(obj, self.field)

    def current(self, obj) -> Any:
        """The stored value in the comparable form ``comparable`` gives a parsed one."""
        return getattr(obj, self.field)

    def comparable(self, value) -> Any:
        return value

    def _clean(self, value):
        try:
            return self.model_field.clean(value, None)
        except ValidationError as exc:
            raise CellError(_messages(exc)) from None


class TextColumn(Column):
    """Plain text; line breaks are kept."""

    def rule_text(self) -> str:
        max_length = getattr(self.model_field, "max_length", None)
        if max_length:
            return gettext("Text, at most %(n)d characters.") % {"n": max_length}
        return gettext("Text; line breaks are kept.")

    def parse(self, raw, lookups):
        return self._clean(cell_text(raw))

    def export(self, obj, context):
        return getattr(obj, self.field) or ""

    def current(self, obj):
        return cell_text(getattr(obj, self.field))


class NumberColumn(Column):
    """A decimal or whole number, range-checked by the model field's validators."""

    # The database's own bounds, so that SQLite refuses what PostgreSQL would.
    _TYPE_MAX = {
        "PositiveSmallIntegerField": 32767,
        "SmallIntegerField": 32767,
        "PositiveIntegerField": 2147483647,
        "IntegerField": 2147483647,
    }

    def _limits(self):
        low = high = None
        for validator in self.model_field.validators:
            if isinstance(validator, MinValueValidator):
                low = validator.limit_value
            elif isinstance(validator, MaxValueValidator):
                high = validator.limit_value
        type_max = self._TYPE_MAX.get(self.model_field.get_internal_type())
        if type_max is not None and (high is None or high > type_max):
            high = type_max
        return low, high

    @property
    def is_decimal(self) -> bool:
        return isinstance(self.model_field, models.DecimalField)

    def rule_text(self) -> str:
        low, high = self._limits()
        if self.is_decimal:
            return gettext(
                "A number from %(min)s to %(max)s, with at most %(places)d decimal places."
            ) % {"min": low, "max": high, "places": self.model_field.decimal_places}
        return gettext("A whole number from %(min)s to %(max)s.") % {"min": low, "max": high}

    def parse(self, raw, lookups):
        if isinstance(raw, bool):
            raise CellError(_("Enter a number."))
        if isinstance(raw, float):
            text = f"{raw:.15g}"  # what the person typed, without binary noise
        elif isinstance(raw, int | Decimal):
            text = str(raw)
        else:
            text = cell_text(raw)
        if not text:
            return None
        try:
            number = Decimal(text)
        except ArithmeticError:
            number = None
        if number is None or not number.is_finite():
            raise CellError(_("Enter a number.") if self.is_decimal else _("Enter a whole number."))
        if not self.is_decimal:
            if number != number.to_integral_value():
                raise CellError(_("Enter a whole number."))
            self._within_limits(number)  # before int(): "1e999999999" must not become an int
            return self._within_limits(self._clean(int(number)))
        places = self.model_field.decimal_places
        if number.as_tuple().exponent < -places:
            try:
                trimmed = number.quantize(Decimal(1).scaleb(-places))
            except ArithmeticError:
                trimmed = None
            if trimmed == number:  # only trailing zeros were dropped, never a digit
                number = trimmed
        return self._within_limits(self._clean(number))

    def _within_limits(self, value):
        low, high = self._limits()
        try:
            if low is not None:
                MinValueValidator(low)(value)
            if high is not None:
                MaxValueValidator(high)(value)
        except ValidationError as exc:
            raise CellError(_messages(exc)) from None
        return value


class TermColumn(Column):
    """One term of a vocabulary, by Chinese name or code."""

    rule = _("One value from the list, by its Chinese name or its code.")

    def __init__(self, header, field, vocabulary, description=None, **kwargs):
        super().__init__(header, field, description, **kwargs)
        self.vocabulary = vocabulary

    def allowed_values(self, lookups):
        return [f"{term.name}（{term.code}）" for term in lookups.terms(self.vocabulary)]

    def parse(self, raw, lookups):
        text = cell_text(raw)
        return lookups.term(self.vocabulary, text) if text else None

    def export(self, obj, context):
        term = getattr(obj, self.field)
        return term.name if term is not None else None

    def current(self, obj):
        return getattr(obj, f"{self.field}_id")

    def comparable(self, value):
        return value.pk if value is not None else None


class TermsColumn(TermColumn):
    """Several terms of a vocabulary, separated by 、 , or ；."""

    target = "m2m"
    rule = _(
        "One or more values from the list, by Chinese name or code, separated by 、 or , or ；."
    )

    @property
    def required(self) -> bool:
        return False

    def parse(self, raw, lookups):
        values = []
        unknown = []
        for text in SEPARATORS.split(cell_text(raw)):
            text = text.strip()
            if not text:
                continue
            try:
                term = lookups.term(self.vocabulary, text)
            except CellError:
                unknown.append(text)
                continue
            if term not in values:
                values.append(term)
        if unknown:
            raise CellError(
                _("Unknown values: %(values)s. See the allowed values on the instructions sheet.")
                % {"values": JOINER.join(unknown)}
            )
        return values

    def export(self, obj, context):
        return JOINER.join(term.name for term in getattr(obj, self.field).all())

    def current(self, obj):
        return frozenset(term.pk for term in getattr(obj, self.field).all())

    def comparable(self, value):
        return frozenset(term.pk for term in value)


class OrganizationColumn(Column):
    """An organisation of given kinds, by its code."""

    def __init__(self, header, field, kinds, description=None, **kwargs):
        super().__init__(header, field, description, **kwargs)
        self.kinds = tuple(kinds)

    def kinds_label(self) -> str:
        return JOINER.join(str(OrganizationKind(kind).label) for kind in self.kinds)

    def rule_text(self) -> str:
        return gettext("The code of a %(kinds)s, as listed.") % {"kinds": self.kinds_label()}

    def allowed_values(self, lookups):
        return [f"{org.code} {org.name}" for org in lookups.organizations_of(self.kinds)]

    def codes(self, raw) -> list[str]:
        text = cell_text(raw)
        return [text] if text else []

    def parse(self, raw, lookups):
        code = cell_text(raw)
        if not code:
            return None
        org = lookups.organization(code)
        if org is None or org.kind not in self.kinds:
            raise CellError(
                _("“%(code)s” is not the code of a %(kinds)s.")
                % {"code": code, "kinds": self.kinds_label()}
            )
        return org

    def export(self, obj, context):
        org = getattr(obj, self.field)
        return org.code if org is not None else None

    def current(self, obj):
        return getattr(obj, f"{self.field}_id")

    def comparable(self, value):
        return value.pk if value is not None else None


class ChoiceColumn(Column):
    """One of a field's fixed choices, by its Chinese name or its code. Blank leaves it as is."""

    rule = _("One of the listed values; left empty, the value is not changed.")

    def __init__(self, header, field, names: dict[str, str], description=None, **kwargs):
        super().__init__(header, field, description, **kwargs)
        self.names = names  # code → Chinese name (the file format)

    @property
    def required(self) -> bool:
        return False

    def allowed_values(self, lookups):
        return [f"{name}（{code}）" for code, name in self.names.items()]

    def parse(self, raw, lookups):
        text = cell_text(raw)
        if not text:
            return SKIP
        for code, label in self.model_field.choices:
            if text in (code, self.names.get(code), str(label)) or text.lower() == code.lower():
                return code
        raise CellError(
            _("Unknown value “%(value)s”; use one of: %(allowed)s.")
            % {"value": text, "allowed": JOINER.join(self.names.values())}
        )

    def export(self, obj, context):
        code = getattr(obj, self.field)
        return self.names.get(code, code)


class ReadOnlyColumn:
    """An export-only column (编号, 所属单位 ...): written out, ignored on import."""

    def __init__(self, header: str, getter, width=12):
        self.header = header
        self.getter = getter
        self.width = width

    def export(self, obj, context):
        return self.getter(obj)


READ_ONLY_HEAD = ReadOnlyColumn("编号", lambda obj: obj.pk, width=8)
READ_ONLY_TAIL = (
    ReadOnlyColumn("所属单位", lambda obj: obj.owner.name, width=24),
    ReadOnlyColumn("状态", lambda obj: str(obj.get_status_display())),
    ReadOnlyColumn("共享范围", lambda obj: str(obj.get_scope_display())),
    ReadOnlyColumn("版本", lambda obj: obj.version, width=8),
)
READ_ONLY_ORDER = tuple(c.header for c in (READ_ONLY_HEAD, *READ_ONLY_TAIL))
READ_ONLY_HEADERS = frozenset(READ_ONLY_ORDER)


class ExportContext:
    """What an export knows beyond the rows: the contact data it may show, by lecturer id."""

    def __init__(self, contacts: dict | None = None):
        self.contacts = contacts or {}


class Lookups:
    """Vocabularies and organisations, each loaded once per import or template."""

    AMBIGUOUS = object()

    def __init__(self):
        self._terms: dict[type, list] = {}
        self._index: dict[type, dict[str, Any]] = {}
        self._organizations: dict[str, Organization | None] = {}

    def terms(self, vocabulary) -> list:
        """Terms in use, in their order (what the instructions sheet lists)."""
        return [term for term in self._all_terms(vocabulary) if term.is_active]

    def _all_terms(self, vocabulary) -> list:
        if vocabulary not in self._terms:
            self._terms[vocabulary] = list(vocabulary.objects.all())
        return self._terms[vocabulary]

    def term(self, vocabulary, text: str):
        if vocabulary not in self._index:
            index: dict[str, Any] = {}
            terms = self._all_terms(vocabulary)
            for term in terms:
                index[term.code.lower()] = term
            for attr in ("name", "name_en"):
                for term in terms:
                    key = getattr(term, attr).strip().lower()
                    if not key or index.get(key) is term:
                        continue
                    index[key] = self.AMBIGUOUS if key in index else term
            self._index[vocabulary] = index
        found = self._index[vocabulary].get(text.strip().lower())
        if found is self.AMBIGUOUS:
            raise CellError(
                _("“%(value)s” matches several values; use its code.") % {"value": text}
            )
        if found is None:
            raise CellError(
                _("Unknown value “%(value)s”; see the allowed values on the instructions sheet.")
                % {"value": text}
            )
        return found

    def load_organizations(self, codes) -> None:
        wanted = {c for c in codes if c and c not in self._organizations}
        if not wanted:
            return
        found = {org.code: org for org in Organization.objects.filter(code__in=wanted)}
        for code in wanted:
            self._organizations[code] = found.get(code)

    def organization(self, code: str) -> Organization | None:
        if code not in self._organizations:
            self.load_organizations([code])
        return self._organizations[code]

    def organizations_of(self, kinds) -> list[Organization]:
        return list(Organization.objects.filter(kind__in=kinds).order_by("path"))


class LibrarySpec:
    """The sheet of one library: its columns, its file names, and what an export loads."""

    def __init__(
        self,
        model,
        *,
        label: str,
        columns: list[Column],
        contact_columns: list[Column] = (),
        select: tuple[str, ...] = (),
    ):
        self.model = model
        self.label = label  # Chinese, fixed: the sheet and file names
        self.columns = list(columns)
        self.contact_columns = list(contact_columns)
        for column in self.importable:
            column.bind(model)
        self.select = ("owner", *select)
        self.m2m = tuple(c.field for c in self.columns if c.target == "m2m")

    @property
    def importable(self) -> list[Column]:
        return [*self.columns, *self.contact_columns]

    @property
    def title_column(self) -> Column:
        return next(c for c in self.columns if c.field == "title")

    def by_header(self) -> dict[str, Column]:
        headers = {}
        for column in self.importable:
            for name in (column.header, *column.aliases):
                headers[name] = column
        return headers

    def export_columns(self, *, with_contact: bool) -> list:
        contact = self.contact_columns if with_contact else []
        return [READ_ONLY_HEAD, *self.columns, *contact, *READ_ONLY_TAIL]

    def prepare_export(self, queryset):
        """The queryset's rows with exactly what the export reads, in a fixed number of queries."""
        return (
            queryset.select_related(None)
            .prefetch_related(None)
            .select_related(*self.select)
            .prefetch_related(*self.m2m)
        )

    def check_row(self, given: dict[str, Any], current) -> list[tuple[str, str]]:
        """Rules across cells of one row → ``[(header, message)]``; libraries override."""
        return []

    # ---- personal data (the ``contact_columns``): libraries that have some override these

    def may_write_personal(self, actor, owner) -> bool:
        """May ``actor`` fill the personal columns of new or matched rows of ``owner``?"""
        return False

    def readable_personal(self, objs, actor) -> dict:
        """Row id → its personal data object, for the rows ``actor`` may read (one query)."""
        return {}


def spec_for(model) -> LibrarySpec | None:
    """The sheet of ``model``'s library (``Library.sheet``), or None for a model without one.

    Built once per library: binding the columns reads the model's fields.
    """
    library = find_library(model)
    if library is None or library.sheet is None:
        return None
    if library.key not in _built:
        _built[library.key] = library.sheet()
    return _built[library.key]


_built: dict[str, LibrarySpec] = {}


def library_spec(model) -> LibrarySpec:
    """The sheet of ``model``'s library; a model without one is a programming error."""
    spec = spec_for(model)
    if spec is None:
        raise ValueError(f"{model._meta.label} has no Excel columns")
    return spec
