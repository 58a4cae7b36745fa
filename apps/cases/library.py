from django.utils.translation import gettext_lazy as _

from apps.sharing.registry import Library, register

from .filtersets import CaseFilterSet
from .models import Case

LIBRARY = register(
    Library(
        key="cases",
        model=Case,
        filterset=CaseFilterSet,
        label=_("Case library"),
        item_label=_("case"),
        position=3,
        facets=("domain", "district", "scope", "status"),
    )
)
