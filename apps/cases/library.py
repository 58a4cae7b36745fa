"""The case library's registry entry: what the shared apps may know of it."""

from django.utils.translation import gettext_lazy as _

from apps.sharing.registry import DOMAIN, SCOPE, STATUS, Facet, Library, register
from apps.sharing.review_page import REREVIEW_ACTION

from .admin import CaseAdmin
from .api.views import CaseViewSet
from .filtersets import CaseFilterSet
from .models import Case
from .sheet import case_sheet

LIBRARY = register(
    Library(
        key="cases",
        model=Case,
        filterset=CaseFilterSet,
        label=_("Case library"),
        item_label=_("case"),
        position=3,
        facets=(
            DOMAIN,
            # The district where it happened: a town's parent, or the district itself.
            Facet(
                "district",
                "place__parent__code",
                "place__parent__name",
                _("Located in district"),
            ),
            SCOPE,
            STATUS,
        ),
        viewset=CaseViewSet,
        basename="case",
        admin=CaseAdmin,
        sheet=case_sheet,
        links=("courses",),  # the case-teaching courses that use it (declared by courses)
        detail_template="cases/detail.html",
        attachments=True,
        review=True,  # review-by dates (待复核)
        page_actions=(REREVIEW_ACTION,),  # the 复核 form on the detail page
    )
)
