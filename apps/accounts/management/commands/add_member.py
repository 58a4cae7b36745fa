from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.services import TokenLimitReached, member_add, token_issue


class Command(BaseCommand):
    help = "Create a user (if needed) and give them a role in an organisation."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--org", required=True, help="organisation code, e.g. 440604")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--password", help="set this password (otherwise none is usable)")
        parser.add_argument(
            "--token", action="store_true", help="also issue an API token, printed last"
        )
        parser.add_argument("--read-only", action="store_true", help="the token may only read")
        parser.add_argument("--days", type=int, help="token lifetime in days (default 365)")

    def handle(self, *args, username, org, role, password, token, read_only, days, **options):
        try:
            user, membership, created = member_add(
                username=username, org_code=org, role=role, password=password
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        verb = "created" if created else "updated"
        self.stdout.write(
            f"{verb} {user.username}: {membership.get_role_display()} @ "
            f"{membership.organization.name} ({membership.organization.code})"
        )
        if token:
            try:
                api_token, raw = token_issue(
                    user=user, name="add_member", read_only=read_only, days=days
                )
            except TokenLimitReached as exc:
                raise CommandError(str(exc)) from exc
            expires = timezone.localtime(api_token.expires_at)
            self.stdout.write(f"token expires {expires:%Y-%m-%d %H:%M}; it is shown only once:")
            self.stdout.write(raw)
