"""The course library's registry entry: what the shared apps may know of it."""

from django.utils.translation import gettext_lazy as _

from apps.sharing.registry import DOMAIN, KIND, SCOPE, STATUS, Library, register
from apps.sharing.review_page import REREVIEW_ACTION

from .admin import CourseAdmin
from .api.views import CourseViewSet
from .filtersets import CourseFilterSet
from .models import Course, TeachingGroupMember
from .pages import detail_context, group_part
from .sheet import course_sheet

LIBRARY = register(
    Library(
        key="courses",
        model=Course,
        filterset=CourseFilterSet,
        label=_("Course library"),
        item_label=_("course"),
        position=1,
        facets=(DOMAIN, KIND, SCOPE, STATUS),
        viewset=CourseViewSet,
        basename="course",
        admin=CourseAdmin,
        sheet=course_sheet,
        # Domain links: the cases a course teaches and the sites it visits (its teaching group
        # is its own rows, TeachingGroupMember, pointing at the lecturer library).
        links=("cases", "sites"),
        detail_template="courses/detail.html",
        detail_context=detail_context,
        attachments=True,
        review=True,  # review-by dates (待复核)
        page_actions=(REREVIEW_ACTION,),  # the 复核 form on the detail page
        cache_models=(TeachingGroupMember,),
        form_parts=(group_part,),  # the "1+N" group under the page form
    )
)
