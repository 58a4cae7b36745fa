from django.core.management.base import BaseCommand, CommandError

from apps.accounts import lockout
from apps.accounts.models import User


class Command(BaseCommand):
    help = "Lift the sign-in lockout of a user, from every address at once."

    def add_arguments(self, parser):
        parser.add_argument("username", help="the user's name (case does not matter)")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username__iexact=username.strip()).first()
        if user is None:
            raise CommandError(f"No user is called {username}.")
        lockout.unlock(user.username)
        self.stdout.write(f"unlocked {user.username}: every address may try to sign in again")
