from django.urls import path  # noqa: F401 - views are added with the campaign pages

app_name = "campaigns"

urlpatterns: list = []
