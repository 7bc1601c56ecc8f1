from django.contrib.auth.views import LogoutView
from django.urls import path

from . import views

app_name = "hub"

urlpatterns = [
    path("", views.cases, name="cases"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("sign-in/", views.StaffLoginView.as_view(), name="login"),
    path("sign-out/", LogoutView.as_view(next_page="hub:login"), name="logout"),
    path("cases/<str:reference>/", views.case_detail, name="case"),
    path("cases/<str:reference>/<slug:action>/", views.case_action, name="case_action"),
    path("residents/<int:resident_id>/", views.resident_detail, name="resident"),
    path("residents/<int:resident_id>/contacts/", views.resident_contact, name="resident_contact"),
]
