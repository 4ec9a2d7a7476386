from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("versions/<int:version_id>/findings/", views.version_findings, name="version_findings"),
    path("versions/<int:version_id>/scope/", views.version_scope, name="version_scope"),
]
