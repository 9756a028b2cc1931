from django.urls import path

from investledger.core import views_history

app_name = "core"
urlpatterns = [
    path("ledger/", views_history.ledger_as_of, name="ledger_as_of"),
    path("project/<int:pk>/", views_history.project_history, name="project_history"),
    path("<str:label>/<str:pk>/", views_history.object_history, name="object_history"),
]
