from django.urls import path

from investledger.matching import views

app_name = "matching"
urlpatterns = [
    path("weights/", views.weights_edit, name="weights_edit"),
]
