import django_filters
from django.utils.translation import gettext_lazy as _

from apps.sharing.filters import SharedResourceFilterSet

from .models import Employment, Lecturer


class LecturerFilterSet(SharedResourceFilterSet):
    kind = django_filters.CharFilter(field_name="kind__code", label=_("Kind of lecturer (code)"))
    employment = django_filters.ChoiceFilter(choices=Employment.choices)

    SEARCH_FIELDS = ("title", "employer", "position", "biography")

    class Meta:
        model = Lecturer
        fields = [
            "owner",
            "within",
            "scope",
            "status",
            "theme",
            "domain",
            "kind",
            "employment",
            "q",
        ]
