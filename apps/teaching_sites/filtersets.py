import django_filters
from django.utils.translation import gettext_lazy as _

from apps.sharing.filters import SharedResourceFilterSet

from .models import Lifecycle, TeachingSite


class TeachingSiteFilterSet(SharedResourceFilterSet):
    category = django_filters.CharFilter(field_name="category__code", label=_("Category (code)"))
    district = django_filters.CharFilter(field_name="district__code", label=_("District (code)"))
    town = django_filters.CharFilter(field_name="town__code", label=_("Town or street (code)"))
    lifecycle = django_filters.ChoiceFilter(choices=Lifecycle.choices)

    SEARCH_FIELDS = ("title", "host_organization", "address", "teaching_points")

    class Meta:
        model = TeachingSite
        fields = [
            "owner",
            "within",
            "scope",
            "status",
            "theme",
            "domain",
            "category",
            "district",
            "town",
            "lifecycle",
            "q",
        ]
