from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "investledger.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        # Imported here, not at the top: an app's modules that import models load once the registry is ready.
        from investledger.ledger.projects import services as project_services
        from investledger.ledger.projects import views as project_views
        from investledger.supervision.rules import explain
        from investledger.supervision.services import lifecycle_after_project_change

        # A new project is planned and assessed at once; its light depends on its amounts, dates and side state.
        if lifecycle_after_project_change not in project_services.AFTER_PROJECT_CHANGE:
            project_services.AFTER_PROJECT_CHANGE.append(lifecycle_after_project_change)
        # The project page explains the light with the rules that fired.
        project_views.PROJECT_PAGE["explain_light"] = explain
