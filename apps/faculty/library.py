"""The lecturer library's registry entry: what the shared apps may know of it."""

from django.utils.translation import gettext_lazy as _

from apps.sharing.registry import DOMAIN, KIND, SCOPE, STATUS, Facet, Library, register

from .admin import LecturerAdmin
from .api.views import LecturerViewSet
from .filtersets import LecturerFilterSet
from .models import Lecturer
from .pages import contact_part, detail_context
from .sheet import lecturer_sheet

LIBRARY = register(
    Library(
        key="faculty",
        model=Lecturer,
        filterset=LecturerFilterSet,
        label=_("Lecturer library"),
        item_label=_("lecturer"),
        position=2,
        facets=(
            DOMAIN,
            KIND,
            Facet("employment", "employment", None, _("Full-time or part-time")),
            SCOPE,
            STATUS,
        ),
        viewset=LecturerViewSet,
        basename="lecturer",
        admin=LecturerAdmin,
        sheet=lecturer_sheet,
        # The sites where a lecturer teaches on site (declared by the site library). The
        # courses they teach come through the courses' teaching groups (``group_seats``).
        links=("sites",),
        detail_template="faculty/detail.html",
        detail_context=detail_context,
        personal_fields=frozenset({"contact"}),
        form_parts=(contact_part,),  # only for those faculty.privacy lets read it
    )
)
