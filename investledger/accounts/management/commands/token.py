from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from investledger.accounts.services import token_revoke
from investledger.core.audit import audit_context


class Command(BaseCommand):
    help = "Print a user's API token, creating it if needed (--rotate revokes the old one)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Revoke the current token and issue a new one.")
        parser.add_argument("--revoke", action="store_true", help="Revoke the token and print nothing.")

    def handle(self, *args, username, rotate, revoke, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f'No user "{username}".') from exc
        if not user.is_active:
            raise CommandError(f'User "{username}" is inactive.')
        if rotate or revoke:
            with audit_context(source="command:token"):
                token_revoke(user=user, reason="rotated" if rotate else "revoked")
        if revoke:
            self.stderr.write(f'Token of "{username}" revoked.')
            return
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
