from django.apps import AppConfig


class ProcessConfig(AppConfig):
    name = "guifan.web.process"
    label = "process"
    verbose_name = "Process"
