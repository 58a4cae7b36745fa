"""The course library's Excel sheet (课程库): one column per importable content field.

Not exported: a course's linked cases and sites and its teaching group (links to other
resources do not travel between schools by file).
"""

from django.utils.translation import gettext_lazy as _

from apps.exchange.columns import LibrarySpec, NumberColumn, TermColumn, TermsColumn, TextColumn
from apps.taxonomy.models import CourseKind, TeachingMethod, ThematicDomain

from .models import Course


def course_sheet() -> LibrarySpec:
    return LibrarySpec(
        Course,
        label="课程库",
        columns=[
            TextColumn("课程名称", "title", _("Course title"), aliases=("标题",), width=30),
            TextColumn("简介", "summary", width=40),
            TextColumn("大纲", "outline", width=40),
            TermsColumn("专题领域", "domains", ThematicDomain, width=24),
            TermColumn("课程类型", "kind", CourseKind),
            TermsColumn("教学方法", "methods", TeachingMethod, width=20),
            NumberColumn("课时", "class_hours", width=8),
            TextColumn("培训对象", "target_audience", width=20),
        ],
        select=("kind",),
    )
