from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "investledger.accounts"
    label = "accounts"

    def ready(self):
        # The security checks (settings that weaken sign-in, CSP, the audit triggers).
        from investledger.core import checks  # noqa: F401
