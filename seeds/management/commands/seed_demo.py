"""``manage.py seed_demo``: reference fixtures plus the demo set; a second run changes nothing."""

from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from apps.accounts.models import User
from apps.accounts.services import member_add
from apps.courses.models import Course
from apps.organizations.models import Organization
from apps.sharing import services
from apps.sharing.content_version import content_changed
from apps.sharing.models import ReuseRecord
from apps.taxonomy.models import CourseKind, TeachingMethod, ThematicDomain
from seeds import demo
from seeds.calls import seed_calls
from seeds.classes import seed_classes
from seeds.consultations import seed_consultations
from seeds.dept_sites import seed_dept_sites
from seeds.library_loader import LibraryLoader
from seeds.meetings import seed_meetings
from seeds.recommendations import seed_recommendations
from seeds.review_dates import seed_review_dates
from seeds.scale import attach_foshan
from seeds.surveys import seed_surveys

REFERENCE_FIXTURES = ["organizations", "taxonomy", "class_themes"]


class Command(BaseCommand):
    help = "Load the Foshan network and the demo data set (idempotent)."

    def handle(self, *args, **options):
        call_command("loaddata", *REFERENCE_FIXTURES, verbosity=0)
        attach_foshan()  # keeps a scale database (seed_scale) one tree
        with transaction.atomic():
            users = self._users()
            created = self._courses(users)
            reused = self._reuses(users)
            self._source_updated(users)
            libraries = LibraryLoader(users).run()
            classes = seed_classes(users)
            libraries.update(seed_calls(users))  # 征集: calls, answers, late invitees
            classes.update(seed_meetings(users))  # 联席会议: partners, meetings, plans
            classes.update(seed_surveys(users))  # 需求调研: three surveys, their answers
            classes.update(seed_consultations(users))  # 咨政报告: the brief's 129 in three years
            libraries.update(seed_dept_sites(users))  # 市工业和信息化局's factories (考察 → 纳入)
            libraries.update(seed_recommendations(users))  # 向上推荐: districts → the city
            libraries.update(seed_review_dates(users))  # 待复核: overdue and due soon
            content_changed()  # the loaders rename vocabulary with update(): no signal
        self.stdout.write(
            f"Foshan network: {Organization.objects.count()} organisations; "
            f"demo courses added: {created}; reuses added: {reused}; "
            + ", ".join(f"{name} added: {n}" for name, n in libraries.items())
            + "; training "
            + ", ".join(f"{name} added: {n}" for name, n in classes.items())
            + "."
        )
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, display, code, role in demo.USERS:
            self.stdout.write(f"  {username:<18} {role:<10} {code:<12} {display}")

    def _users(self) -> dict[str, User]:
        users = {}
        submitters = [
            (f"{code.split('-')[1]}_submitter", f"{code} 报送员", code, "submitter")
            for code in demo.DEPARTMENT_SUBMITTERS
        ]
        for username, display, code, role in [*demo.USERS, *submitters]:
            user, _membership, created = member_add(username=username, org_code=code, role=role)
            if created:
                user.set_password(demo.DEMO_PASSWORD)
                user.display_name = display
                user.save(update_fields=["password", "display_name"])
            users[username] = user
        return users

    def _courses(self, users: dict[str, User]) -> int:
        created = 0
        for spec in demo.COURSES:
            owner = Organization.objects.get(code=spec["owner"])
            if Course.objects.filter(owner=owner, title=spec["title"]).exists():
                continue
            data = {
                "title": spec["title"],
                "summary": f"{spec['summary']}{demo.DEMO_MARK}" if spec["summary"] else "",
                "outline": spec["outline"],
                "target_audience": spec["target_audience"],
                "class_hours": Decimal(spec["class_hours"]) if spec["class_hours"] else None,
                "kind": CourseKind.objects.filter(code=spec["kind"]).first(),
                "domains": list(ThematicDomain.objects.filter(code__in=spec["domains"])),
                "methods": list(TeachingMethod.objects.filter(code__in=spec["methods"])),
            }
            course = services.resource_create(
                Course, user=users[spec["author"]], owner_code=owner.code, data=data
            )
            for step in spec["steps"]:
                self._step(course, step, users)
            created += 1
        return created

    @staticmethod
    def _step(course: Course, step: tuple, users: dict[str, User]) -> None:
        verb = step[0]
        if verb == "submit":
            services.resource_submit(Course, user=users[step[2]], pk=course.pk, scope=step[1])
        elif verb == "publish":
            services.resource_publish(Course, user=users[step[2]], pk=course.pk, scope=step[1])
        elif verb == "reject":
            services.resource_reject(Course, user=users[step[2]], pk=course.pk, reason=step[1])
        elif verb == "withdraw":
            services.resource_withdraw(Course, user=users[step[1]], pk=course.pk)

    def _source_updated(self, users: dict[str, User]) -> None:
        """A source edited after it was reused, so the demo shows copies that are behind:
        祖庙's copy has a local edit of its own, then the municipal curators publish a new
        version of the source (its copies get "来源已更新" and their owners a notification)."""
        source = Course.objects.get(title=demo.SOURCE_UPDATE["title"], source__isnull=True)
        copy = Course.objects.filter(source=source, owner__code="440604010").first()
        if copy is None or source.version > copy.source_version:
            return
        services.resource_update(
            Course, user=users["zumiao_teacher"], pk=copy.pk, data=demo.SOURCE_UPDATE["local"]
        )
        services.resource_update(
            Course, user=users["muni_curator"], pk=source.pk, data=demo.SOURCE_UPDATE["upstream"]
        )

    def _reuses(self, users: dict[str, User]) -> int:
        added = 0
        for username, code, title in demo.REUSES:
            source = Course.objects.get(title=title, source__isnull=True)
            if ReuseRecord.objects.filter(
                source_id=source.pk, organization__code=code, content_type__model="course"
            ).exists():
                continue
            services.resource_reuse(Course, user=users[username], pk=source.pk, target_code=code)
            added += 1
        return added
