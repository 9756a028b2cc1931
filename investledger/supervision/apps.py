from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "investledger.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from investledger.projects import services as project_services
        from investledger.supervision.services import light_after_project_change

        # A project's light depends on its amounts, dates and side state: recompute it at once.
        if light_after_project_change not in project_services.AFTER_PROJECT_CHANGE:
            project_services.AFTER_PROJECT_CHANGE.append(light_after_project_change)
