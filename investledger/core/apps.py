from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "investledger.core"
    label = "core"
    verbose_name = _("Audit and settings")

    def ready(self):
        from investledger.core.validators import guard_text_fields

        # Every model is loaded by now (ready() runs after all apps' models are imported).
        guard_text_fields()
