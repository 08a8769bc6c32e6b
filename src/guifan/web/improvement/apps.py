from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "guifan.web.improvement"
    label = "improvement"
    verbose_name = "Improvement"
