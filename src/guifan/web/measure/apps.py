from django.apps import AppConfig


class MeasureConfig(AppConfig):
    name = "guifan.web.measure"
    label = "measure"
    verbose_name = "Measurement"
