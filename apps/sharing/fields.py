"""Serializer fields that respect visibility: a link never reveals what the reader may not see."""

import re
from operator import attrgetter

from django.conf import settings
from django.utils.encoding import smart_str
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class VisibleResourceField(serializers.PrimaryKeyRelatedField):
    """A link to a shared resource, accepted only when the requesting user can see it.

    Reading relies on the viewset's per-request ``Prefetch`` of visible objects.
    """

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.model.objects.restrict(getattr(request, "user", None), "view")


class BulkManyRelatedField(serializers.ManyRelatedField):
    """A list of links (codes or ids) read with one query for the whole list, at most
    ``API_MAX_LIST_ITEMS`` long.

    REST framework's ``many=True`` looks each element up with a query of its own, so a body
    with 100,000 codes cost 100,000 queries. The child field still decides what a value
    means (its queryset, ``slug_field``, messages); each value that names nothing gets its own
    message under the field's name. ``SharedResourceSerializer`` uses it for every writable
    list of slugs or primary keys.
    """

    default_error_messages = {
        "max_items": _("Send at most {limit} items (this list has {count})."),
    }

    def to_internal_value(self, data):
        if isinstance(data, str | bytes | dict) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        values = list(data)
        if not self.allow_empty and not values:
            self.fail("empty")
        limit = settings.API_MAX_LIST_ITEMS
        if len(values) > limit:
            self.fail("max_items", limit=limit, count=len(values))
        child = self.child_relation
        if isinstance(child, serializers.SlugRelatedField):
            return _resolve(child, values, _slug_key, child.slug_field)
        if isinstance(child, serializers.PrimaryKeyRelatedField) and child.pk_field is None:
            return _resolve(child, values, _pk_key, "pk")
        return super().to_internal_value(values)


def _slug_key(value):
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError
    return str(value)


_DIGITS = re.compile("[0-9]+")
_MAX_PK = 2**63 - 1


def _pk_key(value) -> int:
    """An id: an integer or a string of ASCII digits (not "１", "+1" or "1.5", which ``int``
    would read); TypeError for anything else, LookupError for a number nobody's id can be."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError
    if isinstance(value, str):
        if not _DIGITS.fullmatch(value):
            raise TypeError
        value = int(value)
    if not 0 < value <= _MAX_PK:
        raise LookupError
    return value


def _resolve(child, values, key_of, lookup: str) -> list:
    """The objects ``values`` name, in their order, from one query; or each bad value's
    message, in the order of the values."""
    keys: list = []
    for value in values:
        try:
            keys.append(key_of(value))
        except (TypeError, LookupError) as refused:
            keys.append(refused)
    wanted = {key for key in keys if not isinstance(key, Exception)}
    found = {}
    if wanted:
        get = attrgetter(lookup.replace("__", "."))
        for obj in child.get_queryset().filter(**{f"{lookup}__in": wanted}):
            found.setdefault(_normalised(get(obj), key_of), obj)
    errors: list[str] = []
    for value, key in zip(values, keys, strict=True):
        if isinstance(key, TypeError):
            errors.append(_invalid_message(child, value))
        elif isinstance(key, LookupError) or key not in found:
            errors.append(_missing_message(child, value))
    if errors:
        raise serializers.ValidationError(list(dict.fromkeys(errors)))
    return [found[key] for key in keys]


def _normalised(attribute, key_of):
    try:
        return key_of(attribute)
    except (TypeError, LookupError):
        return attribute


def _invalid_message(child, value) -> str:
    if isinstance(child, serializers.SlugRelatedField):
        return str(child.error_messages["invalid"])
    return str(child.error_messages["incorrect_type"].format(data_type=type(value).__name__))


def _missing_message(child, value) -> str:
    if isinstance(child, serializers.SlugRelatedField):
        template = child.error_messages["does_not_exist"]
        return str(template.format(slug_name=child.slug_field, value=smart_str(value)))
    return str(child.error_messages["does_not_exist"].format(pk_value=value))
