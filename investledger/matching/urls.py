from django.urls import path

from investledger.matching import views

app_name = "matching"
urlpatterns = [
    path("weights/", views.weights_edit, name="weights_edit"),
    path("opportunities/<int:pk>/investors/<int:investor_pk>/dismiss/", views.match_dismiss, name="match_dismiss"),
    path("dismissals/<int:pk>/undo/", views.match_restore, name="match_restore"),
]
