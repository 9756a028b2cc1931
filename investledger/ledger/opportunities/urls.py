from django.urls import path

from investledger.ledger.opportunities import public, views

app_name = "opportunities"
urlpatterns = [
    path("", views.list_index, name="list_index"),
    path("lists/new/", views.list_create, name="list_create"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/edit/", views.list_edit, name="list_edit"),
    path("lists/<int:list_pk>/new/", views.opportunity_create, name="opportunity_create"),
    path("<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("<int:pk>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("<int:pk>/status/", views.opportunity_status, name="opportunity_status"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/handled/", views.interest_handle, name="interest_handle"),
    # The public catalogue: no sign-in, open opportunities of published lists only.
    path("public/", public.catalogue, name="public_catalogue"),
    path("public/<int:pk>/", public.detail, name="public_detail"),
    path("public/<int:pk>/interest/", public.interest, name="public_interest"),
    path("public/feed.json", public.feed_json, name="public_feed_json"),
    path("public/feed.csv", public.feed_csv, name="public_feed_csv"),
]
