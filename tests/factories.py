"""factory_boy factories for shared resources, built straight into any state for tests."""

from decimal import Decimal

import factory
from django.utils import timezone

from apps.courses.models import Course
from apps.organizations.models import Organization
from apps.sharing.choices import Scope, Status
from apps.taxonomy.models import CourseKind, ThematicDomain


def audience_code(owner: Organization, scope: str) -> str:
    """Written out again here, on purpose, rather than imported from the policy."""
    codes = owner.lineage_codes
    if scope == Scope.PRIVATE:
        return owner.code
    if scope == Scope.DISTRICT:
        return next(c for c in codes if Organization.objects.get(code=c).kind == "district")
    return codes[0]


class CourseFactory(factory.django.DjangoModelFactory):
    """A complete course (ready to submit), in any status and scope."""

    class Meta:
        model = Course
        skip_postgeneration_save = True

    class Params:
        owner_code = "440604010"

    title = factory.Sequence(lambda n: f"测试课程{n}")
    owner = factory.LazyAttribute(lambda o: Organization.objects.get(code=o.owner_code))
    author = None
    status = Status.DRAFT
    scope = Scope.PRIVATE
    audience = factory.LazyAttribute(
        lambda o: Organization.objects.get(code=audience_code(o.owner, o.scope))
    )
    summary = "课程简介"
    outline = "一、背景\n二、做法"
    kind = factory.LazyFunction(lambda: CourseKind.objects.get(code="lecture"))
    class_hours = Decimal("2")
    target_audience = "镇街干部"
    first_published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status in (Status.PUBLISHED, Status.WITHDRAWN) else None
    )
    published_at = factory.LazyAttribute(lambda o: o.first_published_at)

    @factory.post_generation
    def domains(self, create, extracted, **kwargs):
        codes = extracted if extracted is not None else ["industrial-system"]
        self.domains.set(ThematicDomain.objects.filter(code__in=codes))
