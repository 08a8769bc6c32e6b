from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ProcessConfig(AppConfig):
    name = "guifan.web.process"
    label = "process"
    verbose_name = "Process"

    def ready(self) -> None:
        from guifan.web.core.auditlog import register_actions

        register_actions(
            {
                "add process": gettext_lazy("process added"),
                "edit process": gettext_lazy("process changed"),
                "delete process": gettext_lazy("process deleted"),
                "add step RACI": gettext_lazy("step RACI assigned"),
                "remove step RACI": gettext_lazy("step RACI removed"),
                "import process RACI": gettext_lazy("process RACI imported"),
                "check from process": gettext_lazy("check created from the process definition"),
            }
        )
