"""The on-site teaching library's registry entry: what the shared apps may know of it."""

from django.utils.translation import gettext_lazy as _

from apps.sharing.registry import DOMAIN, SCOPE, STATUS, Facet, Library, register

from .admin import TeachingSiteAdmin
from .api.views import TeachingSiteViewSet
from .filtersets import TeachingSiteFilterSet
from .models import TeachingSite
from .pages import LIFECYCLE_ACTION, detail_context
from .sheet import site_sheet

LIBRARY = register(
    Library(
        key="sites",
        model=TeachingSite,
        filterset=TeachingSiteFilterSet,
        label=_("On-site teaching library"),
        item_label=_("on-site teaching site"),
        position=4,
        facets=(
            DOMAIN,
            Facet("category", "category__code", "category__name", _("Category")),
            Facet("district", "district__code", "district__name", _("Located in district")),
            Facet("lifecycle", "lifecycle", None, _("Lifecycle")),
            SCOPE,
            STATUS,
        ),
        viewset=TeachingSiteViewSet,
        basename="site",
        admin=TeachingSiteAdmin,
        sheet=site_sheet,
        links=("lecturers", "courses"),  # its on-site lecturers; the courses that visit it
        detail_template="teaching_sites/detail.html",
        detail_context=detail_context,
        page_actions=(LIFECYCLE_ACTION,),  # the lifecycle form on the detail page
    )
)
