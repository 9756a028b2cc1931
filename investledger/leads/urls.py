from django.urls import path

from investledger.leads import views, views_classes, views_interest, views_referrers

app_name = "leads"
urlpatterns = [
    path("", views.pipeline, name="pipeline"),
    path("new/", views.lead_new, name="lead_new"),
    path("<int:pk>/", views.lead_detail, name="lead_detail"),
    path("<int:pk>/<str:act>/", views.lead_act, name="lead_act"),
    path("from-interest/<int:pk>/", views_interest.lead_from_interest, name="lead_from_interest"),
    path("referrals/<int:pk>/answer/", views.referral_answer, name="referral_answer"),
    path("referrers/", views_referrers.referrer_list, name="referrer_list"),
    path("referrers/new/", views_referrers.referrer_create, name="referrer_create"),
    path("referrers/ranking/", views_referrers.referrer_ranking, name="referrer_ranking"),
    path("referrers/<int:pk>/", views_referrers.referrer_detail, name="referrer_detail"),
    path("referrers/<int:pk>/edit/", views_referrers.referrer_edit, name="referrer_edit"),
    path("referrers/<int:pk>/active/", views_referrers.referrer_set_active, name="referrer_set_active"),
    path("classes/", views_classes.lead_class_list, name="lead_class_list"),
    path("classes/new/", views_classes.lead_class_create, name="lead_class_create"),
    path("classes/<int:pk>/edit/", views_classes.lead_class_edit, name="lead_class_edit"),
    path("classes/<int:pk>/active/", views_classes.lead_class_set_active, name="lead_class_set_active"),
]
