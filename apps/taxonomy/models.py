"""Vocabularies kept as data so the municipal school's admins can edit them.

The brief names five of the seven thematic domains and seven of the nine site
categories; the rest are for admins to name, so none of these are code enums.
"""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class TermQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def get_by_natural_key(self, code: str):
        return self.get(code=code)


class Term(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    @property
    def label(self) -> str:
        if self.name_en and translation.get_language() == "en":
            return self.name_en
        return self.name


class ThematicDomain(Term):
    """One of the seven thematic domains (七大领域) that organise every library."""

    class Meta(Term.Meta):
        verbose_name = _("thematic domain")
        verbose_name_plural = _("thematic domains")


class CourseKind(Term):
    """A kind of course: lecture (专题讲授), case teaching (案例教学), on-site, seminar..."""

    class Meta(Term.Meta):
        verbose_name = _("course kind")
        verbose_name_plural = _("course kinds")


class TeachingMethod(Term):
    """A teaching method every tier shares: mind map (思维导图), industry map, review..."""

    class Meta(Term.Meta):
        verbose_name = _("teaching method")
        verbose_name_plural = _("teaching methods")


class LecturerKind(Term):
    """One of the five kinds of lecturer (五类师资): specially appointed professor, official, ..."""

    class Meta(Term.Meta):
        verbose_name = _("lecturer kind")
        verbose_name_plural = _("lecturer kinds")


class SiteCategory(Term):
    """One of the nine categories of on-site teaching site ("1+9" matrix); two are unnamed."""

    class Meta(Term.Meta):
        verbose_name = _("site category")
        verbose_name_plural = _("site categories")
