from django.urls import path

from investledger.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.index, name="index"),
    path("template/<str:kind>.xlsx", views.template_download, name="template"),
    path("ledger.xlsx", views.export_ledger, name="export_ledger"),
    path("progress.xlsx", views.export_progress, name="export_progress"),
    path("<int:pk>/", views.batch_detail, name="batch_detail"),
    path("<int:pk>/mapping/", views.batch_mapping, name="batch_mapping"),
    path("<int:pk>/progress/", views.batch_progress, name="batch_progress"),
    path("<int:pk>/resolve/", views.batch_resolve, name="batch_resolve"),
    path("<int:pk>/commit/", views.batch_commit, name="batch_commit"),
    path("<int:pk>/rerun/", views.batch_rerun, name="batch_rerun"),
]
