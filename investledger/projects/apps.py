from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "investledger.projects"
    label = "projects"
