from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "investledger.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        # The security checks (settings that weaken sign-in, CSP, the audit triggers).
        from investledger.core import checks  # noqa: F401
