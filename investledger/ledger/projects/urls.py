from django.urls import path

from investledger.ledger.projects import views, views_ceremony

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/side-state/", views.project_side_state, name="project_side_state"),
    path("<int:pk>/signings/new/", views.signing_add, name="signing_add"),
    path("ceremony/<int:event_pk>/", views_ceremony.ceremony_entry, name="ceremony_entry"),
    path("ceremony/<int:event_pk>/row/", views_ceremony.ceremony_row, name="ceremony_row"),
    path("ceremony/<int:event_pk>/check/", views_ceremony.ceremony_check, name="ceremony_check"),
]
