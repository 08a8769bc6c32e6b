from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "guifan.web.service"
    label = "service"
    verbose_name = "Service"
