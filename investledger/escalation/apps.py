from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "investledger.escalation"
    label = "escalation"
    verbose_name = _("Issues and notices")

    def ready(self):
        # Imported here, not at the top: an app's modules that import models load once the registry is ready.
        from investledger.escalation.selectors import project_follow_up
        from investledger.ledger.projects import views as project_views

        # The project page shows the project's issues, notices and inspections to follow up.
        project_views.PROJECT_PAGE["follow_up"] = project_follow_up
