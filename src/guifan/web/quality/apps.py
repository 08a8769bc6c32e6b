from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class QualityConfig(AppConfig):
    name = "guifan.web.quality"
    label = "quality"
    verbose_name = "Quality"

    def ready(self) -> None:
        from guifan.web.core.auditlog import register_actions

        register_actions(
            {
                "exclude subgroup": gettext_lazy("subgroup excluded from the limits"),
                "include subgroup": gettext_lazy("subgroup included in the limits again"),
            }
        )
