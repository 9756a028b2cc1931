from django.urls import path

from investledger.supervision import views, views_reports

app_name = "supervision"
urlpatterns = [
    path("", views.index, name="index"),
    path("projects/<int:pk>/milestones/", views.project_milestones, name="project_milestones"),
    path("milestones/<int:pk>/record/", views.milestone_record, name="milestone_record"),
    path("milestones/<int:pk>/reason/", views.milestone_reason, name="milestone_reason"),
    path("milestones/<int:pk>/replan/", views.milestone_replan, name="milestone_replan"),
    path("milestones/<int:pk>/verify/", views.milestone_verify, name="milestone_verify"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("projects/<int:pk>/report/", views_reports.project_report, name="project_report"),
    path("reports/", views_reports.report_batch, name="report_batch"),
    path("reports/<str:period>/", views_reports.report_batch, name="report_batch_period"),
    path("inspections/", views.inspection_queue, name="inspection_queue"),
    path("inspections/<int:pk>/", views.inspection_record, name="inspection_record"),
]
