"""The tier tree of the school network: municipal → district → town, plus departments."""

from django.db import models
from django.utils.translation import gettext_lazy as _

PATH_SEPARATOR = "/"


class OrganizationKind(models.TextChoices):
    PROVINCE = "province", _("Provincial party school")
    MUNICIPAL = "municipal", _("Municipal party school")
    DISTRICT = "district", _("District party school")
    TOWN = "town", _("Town or street party school")
    DEPARTMENT = "department", _("Partner department")
    # A party school of another city, outside this tree (a root of its own): its members see
    # the joint classes it is a partner of and what those use, nothing else.
    EXTERNAL = "external", _("School of another city")


SCHOOL_KINDS = frozenset(
    {
        OrganizationKind.PROVINCE,
        OrganizationKind.MUNICIPAL,
        OrganizationKind.DISTRICT,
        OrganizationKind.TOWN,
        OrganizationKind.EXTERNAL,
    }
)


class OrganizationQuerySet(models.QuerySet):
    def subtree_of(self, organization: "Organization") -> "OrganizationQuerySet":
        """The organisation and everything below it: one indexed prefix match on ``path``."""
        return self.filter(path__startswith=organization.path)

    def ancestors_of(self, organization: "Organization") -> "OrganizationQuerySet":
        """The organisation and every organisation above it, read from its stored path."""
        return self.filter(code__in=organization.lineage_codes)

    def get_by_natural_key(self, code: str) -> "Organization":
        return self.get(code=code)


class Organization(models.Model):
    """A school (党校) or partner department (职能部门) in the network.

    ``path`` is the materialised path of codes from the root, e.g.
    ``4406/440604/440604010/``; "this organisation and everything below it" is
    ``path LIKE '<path>%'``, served by a pattern index on PostgreSQL, so the tree
    can grow to a province of thousands of schools without recursive queries.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="org_path_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["kind", "path"], name="org_kind_path_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(code__contains=PATH_SEPARATOR), name="org_code_no_separator"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path, self.depth = self.compute_path()
        super().save(*args, **kwargs)

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    def compute_path(self) -> tuple[str, int]:
        if self.parent_id is None:
            return f"{self.code}{PATH_SEPARATOR}", 0
        parent = self.parent
        return f"{parent.path}{self.code}{PATH_SEPARATOR}", parent.depth + 1

    @property
    def lineage_codes(self) -> list[str]:
        """Codes from the root down to this organisation, inclusive."""
        return [c for c in self.path.split(PATH_SEPARATOR) if c]

    @property
    def is_school(self) -> bool:
        return self.kind in SCHOOL_KINDS

    def is_within(self, other: "Organization") -> bool:
        """True when this organisation is ``other`` or sits below it."""
        return self.path.startswith(other.path)
