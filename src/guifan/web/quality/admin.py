from django.contrib import admin

from guifan.web.quality.models import Exclusion


@admin.register(Exclusion)
class ExclusionAdmin(admin.ModelAdmin):
    list_display = ("requirement_code", "characteristic", "subgroup", "created_by", "created")
    readonly_fields = ("requirement_code", "characteristic", "subgroup", "reason", "created_by", "created")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # through the chart page, so every exclusion is audited

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
