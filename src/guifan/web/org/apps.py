from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "guifan.web.org"
    label = "org"
    verbose_name = "Organisation"
