from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "guifan.web.quality"
    label = "quality"
    verbose_name = "Quality"
