"""The on-site teaching library's Excel sheet (现场教学库).

Not exported: a site's lecturers and its lifecycle (the lifecycle moves only through its
named action, with a reason).
"""

from django.utils.translation import gettext_lazy as _

from apps.exchange.columns import (
    LibrarySpec,
    NumberColumn,
    OrganizationColumn,
    TermColumn,
    TermsColumn,
    TextColumn,
)
from apps.organizations.models import OrganizationKind
from apps.taxonomy.models import SiteCategory, ThematicDomain

from .models import TeachingSite


class TeachingSiteSpec(LibrarySpec):
    """A site's town must lie in its district."""

    def check_row(self, given, current):
        if "town" not in given and "district" not in given:
            return []
        town = given["town"] if "town" in given else getattr(current, "town", None)
        if "district" in given:
            district_id = given["district"].pk if given["district"] is not None else None
        else:
            district_id = getattr(current, "district_id", None)
        if town is not None and (district_id is None or town.parent_id != district_id):
            header = next(c.header for c in self.columns if c.field == "town")
            return [(header, str(_("The town must lie in the site's district.")))]
        return []


def site_sheet() -> LibrarySpec:
    return TeachingSiteSpec(
        TeachingSite,
        label="现场教学库",
        columns=[
            TextColumn("名称", "title", _("Name of the site"), aliases=("标题",), width=30),
            TermColumn("类别", "category", SiteCategory, width=20),
            TextColumn("承接单位", "host_organization", width=24),
            TextColumn("地址", "address", width=30),
            OrganizationColumn("区编码", "district", (OrganizationKind.DISTRICT,), width=10),
            OrganizationColumn(
                "镇街编码",
                "town",
                (OrganizationKind.TOWN,),
                _("Town or street; it must lie in the district"),
                width=12,
            ),
            NumberColumn("纬度", "latitude", width=12),
            NumberColumn("经度", "longitude", width=12),
            TextColumn("教学要点", "teaching_points", width=40),
            TermsColumn("专题领域", "domains", ThematicDomain, width=24),
            NumberColumn("时长（分钟）", "visit_minutes", aliases=("时长(分钟)",), width=12),
            NumberColumn("容量", "capacity", width=8),
            TextColumn("参观联系人", "visit_contact", width=20),
        ],
        select=("category", "district", "town"),
    )
