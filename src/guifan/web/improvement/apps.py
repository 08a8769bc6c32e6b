from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ImprovementConfig(AppConfig):
    name = "guifan.web.improvement"
    label = "improvement"
    verbose_name = "Improvement"

    def ready(self) -> None:
        from guifan.web.core.auditlog import register_actions

        register_actions(
            {
                "open finding": gettext_lazy("finding opened"),
                "edit finding": gettext_lazy("finding changed"),
                "close finding": gettext_lazy("finding closed"),
                "reopen finding": gettext_lazy("finding reopened"),
                "add action": gettext_lazy("action planned"),
                "complete action": gettext_lazy("action done"),
            }
        )
