from django.urls import path

from investledger.leads import views, views_referrers

app_name = "leads"
urlpatterns = [
    path("", views.pipeline, name="pipeline"),
    path("new/", views.lead_new, name="lead_new"),
    path("<int:pk>/", views.lead_detail, name="lead_detail"),
    path("<int:pk>/<str:act>/", views.lead_act, name="lead_act"),
    path("referrals/<int:pk>/answer/", views.referral_answer, name="referral_answer"),
    path("referrers/", views_referrers.referrer_list, name="referrer_list"),
    path("referrers/ranking/", views_referrers.referrer_ranking, name="referrer_ranking"),
    path("referrers/<int:pk>/", views_referrers.referrer_detail, name="referrer_detail"),
]
