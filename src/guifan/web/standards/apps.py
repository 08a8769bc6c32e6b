from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "guifan.web.standards"
    label = "standards"
    verbose_name = "Standards"
