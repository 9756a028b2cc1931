from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ProjectsConfig(AppConfig):
    name = "investledger.ledger.projects"
    label = "projects"
    verbose_name = pgettext_lazy("application", "Projects")
