from django.urls import path

from investledger.ledger.investors import views

app_name = "investors"
urlpatterns = [
    path("", views.investor_list, name="investor_list"),
    path("new/", views.investor_create, name="investor_create"),
    path("search/", views.investor_search, name="investor_search"),
    path("<int:pk>/", views.investor_detail, name="investor_detail"),
    path("<int:pk>/edit/", views.investor_edit, name="investor_edit"),
    path("<int:pk>/profile/", views.profile_edit, name="profile_edit"),
]
