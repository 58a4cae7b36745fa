from django.utils.translation import gettext_lazy as _

from apps.sharing.registry import Library, register

from .filtersets import LecturerFilterSet
from .models import Lecturer

LIBRARY = register(
    Library(
        key="faculty",
        model=Lecturer,
        filterset=LecturerFilterSet,
        label=_("Lecturer library"),
        item_label=_("lecturer"),
        position=2,
        facets=("domain", "kind", "employment", "scope", "status"),
    )
)
