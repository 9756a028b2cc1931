from django.urls import path

from investledger.intake import views, views_releases

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
    path("releases/new/", views_releases.release_new, name="release_new"),
    path("releases/<int:pk>/", views_releases.release_set, name="release_set"),
    path("releases/<int:pk>/resume/", views_releases.release_set_resume, name="release_set_resume"),
    path("<int:pk>/review/", views_releases.release_review, name="release_review"),
    path("<int:pk>/review/deal/<int:number>/", views_releases.release_decide, name="release_decide"),
    path("<int:pk>/review/event/", views_releases.release_event, name="release_event"),
    path("<int:pk>/review/total/<int:number>/", views_releases.release_announce, name="release_announce"),
    path("watch/<int:pk>/", views_releases.watch_decide, name="watch_decide"),
    path("<int:pk>/review/check/", views_releases.release_check, name="release_check"),
    path("<int:pk>/review/again/", views_releases.release_reopen, name="release_reopen"),
]
