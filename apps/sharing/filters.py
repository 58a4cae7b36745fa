"""Filters every library's list offers, shared by the API and the pages."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization

from .choices import Scope, Status


class SharedResourceFilterSet(django_filters.FilterSet):
    owner = django_filters.CharFilter(method="filter_owner", label=_("Owner (organisation code)"))
    within = django_filters.CharFilter(
        method="filter_within", label=_("Owned by this organisation or any below it (code)")
    )
    scope = django_filters.ChoiceFilter(choices=Scope.choices, label=_("Scope"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    SEARCH_FIELDS: tuple[str, ...] = ("title",)

    def filter_owner(self, queryset, name, value):
        return queryset.filter(owner_id__in=Organization.objects.filter(code=value).values("pk"))

    def filter_within(self, queryset, name, value):
        root = Organization.objects.filter(code=value).first()
        if root is None:
            return queryset.none()
        return queryset.filter(owner_id__in=Organization.objects.subtree_of(root).values("pk"))

    def filter_q(self, queryset, name, value):
        terms = value.split()
        for term in terms:
            match = Q()
            for field in self.SEARCH_FIELDS:
                match |= Q(**{f"{field}__icontains": term})
            queryset = queryset.filter(match)
        return queryset
