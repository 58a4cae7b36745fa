"""The case library's Excel sheet (案例库)."""

from apps.exchange.columns import (
    LibrarySpec,
    NumberColumn,
    OrganizationColumn,
    TermsColumn,
    TextColumn,
)
from apps.organizations.models import OrganizationKind
from apps.taxonomy.models import ThematicDomain

from .models import Case


def case_sheet() -> LibrarySpec:
    places = (OrganizationKind.DISTRICT, OrganizationKind.TOWN)
    return LibrarySpec(
        Case,
        label="案例库",
        columns=[
            TextColumn("标题", "title", width=30),
            TextColumn("背景", "background", width=40),
            TextColumn("关键问题", "key_issues", width=30),
            TextColumn("教学使用说明", "teaching_notes", width=30),
            TextColumn("讨论题", "discussion_questions", width=30),
            TermsColumn("专题领域", "domains", ThematicDomain, width=24),
            TextColumn("行业", "industry"),
            OrganizationColumn("发生地编码", "place", places, width=12),
            NumberColumn("年份", "year", width=8),
            OrganizationColumn(
                "报送部门编码", "contributing_department", (OrganizationKind.DEPARTMENT,), width=14
            ),
        ],
        select=("place", "contributing_department"),
    )
