"""Filters every library's list offers, shared by the API and the pages."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from apps.organizations.models import Organization
from apps.search.query import search, validate_search_text

from .choices import Scope, Status


class LinkedCodeFilter(django_filters.CharFilter):
    """``<many-to-many>__code``: the items linked to the term with that code.

    Written as ``EXISTS`` over the link table, not as a join: with a join PostgreSQL read the
    whole link table and hashed it against the reader's visible rows before sorting (385 ms for
    a page of courses at a million resources, seconds at ten million); with ``EXISTS`` it walks
    the newest rows and stops at the page's end (9 ms). The same rows either way: a term's
    code is unique, so the join never repeated an item.
    """

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        relation, _sep, attribute = self.field_name.partition("__")
        field = qs.model._meta.get_field(relation)
        links = field.remote_field.through.objects.filter(
            **{
                field.m2m_field_name(): OuterRef("pk"),
                f"{field.m2m_reverse_field_name()}__{attribute}": value,
            }
        )
        return qs.filter(Exists(links))


class SharedResourceFilterSet(django_filters.FilterSet):
    owner = django_filters.CharFilter(method="filter_owner", label=_("Owner (organisation code)"))
    within = django_filters.CharFilter(
        method="filter_within", label=_("Owned by this organisation or any below it (code)")
    )
    scope = django_filters.ChoiceFilter(choices=Scope.choices, label=_("Scope"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    theme = LinkedCodeFilter(field_name="domains__code", label=_("Thematic domain (code)"))
    domain = LinkedCodeFilter(field_name="domains__code", label=_("Thematic domain (code)"))
    # Over SEARCH_MAX_CHARS / SEARCH_MAX_TOKENS: 400 naming q on the API, a message beside
    # the search box on the pages.
    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"), validators=[validate_search_text]
    )

    recommended = django_filters.ChoiceFilter(
        method="filter_recommended",
        choices=[
            ("waiting", _("Recommended to the city, waiting for its decision")),
            ("credited", _("Published city-wide on a district's recommendation")),
        ],
        label=_("Recommendation to the city"),
    )

    # What ``q`` looks in is now the model's title and ``SEARCH_TEXT_FIELDS`` (indexed on
    # save); SEARCH_FIELDS stays as the libraries' record of it, checked against the model
    # in tests/search.
    SEARCH_FIELDS: tuple[str, ...] = ("title",)

    def filter_owner(self, queryset, name, value):
        return queryset.filter(owner_id__in=Organization.objects.filter(code=value).values("pk"))

    @staticmethod
    def subtree_ids(code: str):
        """Ids of the organisation with ``code`` and everything below it (a subquery)."""
        root = Organization.objects.filter(code=code).first()
        if root is None:
            return Organization.objects.none().values("pk")
        return Organization.objects.subtree_of(root).values("pk")

    def filter_within(self, queryset, name, value):
        return queryset.filter(owner_id__in=self.subtree_ids(value))

    def filter_recommended(self, queryset, name, value):
        recommended = queryset.filter(recommended_by__isnull=False, status=Status.PUBLISHED)
        if value == "waiting":
            return recommended.filter(scope=Scope.DISTRICT)
        return recommended.filter(scope=Scope.NETWORK)

    def filter_q(self, queryset, name, value):
        """Chinese full-text search (``apps.search``), within the queryset it is given.

        Only narrows; the order is the list's. Best matches first: the pages call
        ``queryset.search_ranked(q)``; the API's cursor pages do it when their pagination
        class mixes in ``apps.search.pagination.SearchRankedCursorMixin``.
        """
        return search(queryset, value)


class ReviewFilterSet(SharedResourceFilterSet):
    """The lists of libraries whose items carry a review-by date (``Library.review``)."""

    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Overdue for review"),
    )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.model.overdue_q()
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
