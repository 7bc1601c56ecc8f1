from django.urls import path

from . import views

app_name = "openreferral"

urlpatterns = [
    path("", views.meta, name="meta"),
    path("services", views.services, name="services"),
    path("services/<str:pk>", views.service, name="service"),
    path("taxonomies", views.taxonomies, name="taxonomies"),
    path("taxonomies/<str:pk>", views.taxonomy, name="taxonomy"),
    path("taxonomy_terms", views.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:pk>", views.taxonomy_term, name="taxonomy_term"),
]
