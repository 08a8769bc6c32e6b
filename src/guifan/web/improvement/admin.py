from django.contrib import admin

from guifan.web.improvement.models import Action, Finding


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "description", "owner", "due", "done_at", "done_by", "outcome")


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    """Read-only here: findings change through the app's pages and API, which keep the audit trail."""

    list_display = ("number", "title", "source", "status", "unit", "owner", "due")
    list_filter = ("status", "source")
    search_fields = ("title", "requirement_code", "key")
    inlines = (ActionInline,)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
