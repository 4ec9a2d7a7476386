from django.urls import path

from policies import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="policy_list"),
    path("import/", views.policy_import, name="policy_import"),
    path("<int:policy_id>/", views.policy_detail, name="policy_detail"),
    path("versions/<int:version_id>/", views.version_detail, name="version_detail"),
    path("versions/<int:version_id>/original/", views.version_original, name="version_original"),
    path("runs/<int:run_id>/", views.run_status, name="run_status"),
    path("runs/<int:run_id>/retry/", views.run_retry, name="run_retry"),
]
