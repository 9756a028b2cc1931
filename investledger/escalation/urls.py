from django.urls import path

from investledger.escalation import views

app_name = "escalation"
urlpatterns = [
    path("", views.issue_list, name="index"),
    path("issues/", views.issue_list, name="issue_list"),
    path("issues/new/", views.issue_new, name="issue_new"),
    path("issues/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("issues/<int:pk>/<str:step>/", views.issue_act, name="issue_act"),
    path("projects/<int:project_pk>/issues/new/", views.issue_create, name="issue_create"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("photos/<int:pk>/", views.photo_view, name="photo"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox_mark_read"),
]
