from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="policies:policy_list", permanent=False)),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("policies/", include("policies.urls")),
    path("reviews/", include("reviews.urls")),
    path("campaigns/", include("reviews.campaigns.urls")),
]
