from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from guifan.web.core.admin_audit import AuditedAdmin
from guifan.web.core.models import AuditEntry, Catalogue, Profile


@admin.register(Profile)
class ProfileAdmin(AuditedAdmin):
    list_display = ("user", "role", "unit")
    list_filter = ("role",)


class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    """Accounts and their permissions: changes are audited (password hashes are never copied into it)."""


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), AuditedUserAdmin)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody edits or deletes the audit trail, administrators included."""

    list_display = ("at", "actor", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "object_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.register(Catalogue, AuditedAdmin)
