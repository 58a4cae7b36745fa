"""factory_boy factories: complete resources of every library, built straight into any state."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from apps.cases.models import Case
from apps.courses.models import Course
from apps.faculty.models import Lecturer
from apps.organizations.models import Organization
from apps.sharing.choices import Scope, Status
from apps.taxonomy.models import CourseKind, LecturerKind, SiteCategory, ThematicDomain
from apps.teaching_sites.models import Lifecycle, TeachingSite


def audience_code(owner: Organization, scope: str) -> str:
    """Written out again here, on purpose, rather than imported from the policy."""
    codes = owner.lineage_codes
    if scope == Scope.PRIVATE:
        return owner.code
    if scope == Scope.DISTRICT:
        return next(c for c in codes if Organization.objects.get(code=c).kind == "district")
    return codes[0]


class SharedResourceFactory(factory.django.DjangoModelFactory):
    """Owner by code (default: 祖庙街道党校), any status and scope, audience derived."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    class Params:
        owner_code = "440604010"

    owner = factory.LazyAttribute(lambda o: Organization.objects.get(code=o.owner_code))
    author = None
    status = Status.DRAFT
    scope = Scope.PRIVATE
    audience = factory.LazyAttribute(
        lambda o: Organization.objects.get(code=audience_code(o.owner, o.scope))
    )
    first_published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status in (Status.PUBLISHED, Status.WITHDRAWN) else None
    )
    published_at = factory.LazyAttribute(lambda o: o.first_published_at)

    @factory.post_generation
    def domains(self, create, extracted, **kwargs):
        codes = extracted if extracted is not None else ["industrial-system"]
        self.domains.set(ThematicDomain.objects.filter(code__in=codes))


class CourseFactory(SharedResourceFactory):
    """A complete course (ready to submit)."""

    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"测试课程{n}")
    summary = "课程简介"
    outline = "一、背景\n二、做法"
    kind = factory.LazyFunction(lambda: CourseKind.objects.get(code="lecture"))
    class_hours = Decimal("2")
    target_audience = "镇街干部"


class LecturerFactory(SharedResourceFactory):
    """A complete lecturer profile (no contact data unless a test adds it)."""

    class Meta:
        model = Lecturer

    title = factory.Sequence(lambda n: f"讲师{n}")
    kind = factory.LazyFunction(lambda: LecturerKind.objects.get(code="party-school-teacher"))
    employer = "中共佛山市委党校"
    position = "教研室主任"
    professional_title = "教授"
    biography = "长期从事产业经济研究。"


class CaseFactory(SharedResourceFactory):
    """A complete teaching case."""

    class Meta:
        model = Case

    title = factory.Sequence(lambda n: f"测试案例{n}")
    background = "某镇村级工业园改造的来龙去脉。"
    key_issues = "土地整备与利益协调"
    teaching_notes = "适用于镇街干部专题班"
    discussion_questions = "如何平衡各方利益？"
    industry = "制造业"
    year = 2024
    place = factory.LazyFunction(lambda: Organization.objects.get(code="440604010"))


class TeachingSiteFactory(SharedResourceFactory):
    """A complete, admitted on-site teaching site."""

    class Meta:
        model = TeachingSite

    title = factory.Sequence(lambda n: f"现场教学点{n}")
    category = factory.LazyFunction(lambda: SiteCategory.objects.get(code="industrial-park"))
    host_organization = "某产业园"
    address = "佛山市禅城区某路1号"
    district = factory.LazyFunction(lambda: Organization.objects.get(code="440604"))
    teaching_points = "园区改造前后对比"
    visit_minutes = 60
    capacity = 50
    lifecycle = Lifecycle.ADMITTED


LIBRARY_FACTORIES = {
    "courses": CourseFactory,
    "faculty": LecturerFactory,
    "cases": CaseFactory,
    "sites": TeachingSiteFactory,
}


def author_at(code: str):
    """Somebody seated at ``code`` (a resource needs an author): its first member."""
    from apps.accounts.models import Membership

    return Membership.objects.filter(organization__code=code).order_by("pk").first().user


def published(factory, owner_code: str = "440600", scope: str = Scope.NETWORK, **kw):
    """A published resource of ``factory``'s library, owned by ``owner_code``."""
    return factory(
        owner_code=owner_code,
        status=Status.PUBLISHED,
        scope=scope,
        author=author_at(owner_code),
        **kw,
    )


class TrainingClassFactory(factory.django.DjangoModelFactory):
    """A planned two-day specialised class of 祖庙街道党校 (host by code)."""

    class Meta:
        model = "classes.TrainingClass"
        skip_postgeneration_save = True

    class Params:
        host_code = "440604010"

    host = factory.LazyAttribute(lambda o: Organization.objects.get(code=o.host_code))
    title = factory.Sequence(lambda n: f"专业化能力提升班{n}")
    class_type = "specialised"
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=1))
    trainee_count = 40
    venue = "祖庙街道党校"


def slot(training_class, day: int = 0, start: str = "09:00", end: str = "11:00"):
    """``(starts_at, ends_at)`` on the class's ``day``-th day, local time."""
    date = training_class.start_date + timedelta(days=day)
    tz = timezone.get_current_timezone()
    begin = datetime.combine(date, time.fromisoformat(start), tzinfo=tz)
    finish = datetime.combine(date, time.fromisoformat(end), tzinfo=tz)
    return begin, finish
