from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ServiceConfig(AppConfig):
    name = "guifan.web.service"
    label = "service"
    verbose_name = "Service"

    def ready(self) -> None:
        from guifan.web.core.auditlog import register_actions

        register_actions(
            {
                "add calendar": gettext_lazy("calendar added"),
                "edit calendar": gettext_lazy("calendar changed"),
                "delete calendar": gettext_lazy("calendar deleted"),
                "rename calendar": gettext_lazy("calendar renamed"),
            }
        )
