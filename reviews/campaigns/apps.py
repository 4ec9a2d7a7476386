from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "reviews.campaigns"
    label = "campaigns"
    verbose_name = "Annotation campaigns"
