import django_filters
from django.utils.translation import gettext_lazy as _

from apps.sharing.filters import ReviewFilterSet

from .models import Case


class CaseFilterSet(ReviewFilterSet):
    district = django_filters.CharFilter(
        method="filter_district", label=_("Happened in this district or a town in it (code)")
    )
    department = django_filters.CharFilter(
        field_name="contributing_department__code", label=_("Contributing department (code)")
    )
    year = django_filters.NumberFilter()
    industry = django_filters.CharFilter(lookup_expr="icontains")

    SEARCH_FIELDS = ("title", "background", "key_issues", "industry")

    def filter_district(self, queryset, name, value):
        return queryset.filter(place_id__in=self.subtree_ids(value))

    class Meta:
        model = Case
        fields = [
            "owner",
            "within",
            "scope",
            "status",
            "theme",
            "domain",
            "district",
            "department",
            "year",
            "industry",
            "q",
            "overdue",
        ]
