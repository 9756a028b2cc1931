from django.urls import path

from investledger.history import views

# The namespace stays "core", where these pages were first named: their URL names (core:project_history,
# core:object_history, core:ledger_as_of) are used across the templates and must not change.
app_name = "core"
urlpatterns = [
    path("ledger/", views.ledger_as_of, name="ledger_as_of"),
    path("project/<int:pk>/", views.project_history, name="project_history"),
    path("<str:label>/<str:pk>/", views.object_history, name="object_history"),
]
