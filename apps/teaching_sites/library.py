from django.utils.translation import gettext_lazy as _

from apps.sharing.registry import Library, register

from .filtersets import TeachingSiteFilterSet
from .models import TeachingSite

LIBRARY = register(
    Library(
        key="sites",
        model=TeachingSite,
        filterset=TeachingSiteFilterSet,
        label=_("On-site teaching library"),
        item_label=_("on-site teaching site"),
        position=4,
        facets=("domain", "category", "district", "lifecycle", "scope", "status"),
    )
)
