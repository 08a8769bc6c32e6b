from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "guifan.web.core"
    label = "core"
    verbose_name = "Guifan core"
