from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("inbound/<slug:slug>/", views.inbound, name="inbound"),
]
