from django.urls import path

from investledger.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("metrics/", views.metric_list, name="metric_list"),
    path("events/<int:pk>/", views.event_report, name="event_report"),
    path("monthly/", views.monthly_report, name="monthly_report"),
    path("export/projects.csv", views.export_csv, name="export_csv"),
    path("export/projects.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export/ledger.pdf", views.ledger_print, {"fmt": "pdf"}, name="ledger_pdf"),
    path("export/ledger.xlsx", views.ledger_print, {"fmt": "xlsx"}, name="ledger_xlsx"),
    path("export/oc4ids.json", views.export_oc4ids, name="export_oc4ids"),
    path("oc4ids/extension.json", views.oc4ids_extension, name="oc4ids_extension"),
    path("oc4ids/<str:name>", views.oc4ids_extension, name="oc4ids_extension_file"),
    path("public/", views.public, name="public"),
]
