from django.contrib import admin

from guifan.web.core.admin_audit import AuditedAdmin
from guifan.web.standards.models import Standard


@admin.register(Standard)
class StandardAdmin(AuditedAdmin):
    """Identity, category and owner only: versions and requirements change through the catalogue's
    lifecycle (drafts, four-eyes approval), never directly."""

    list_display = ("code", "category", "owner_unit", "current")
    list_filter = ("category",)
    fields = ("code", "category", "owner_unit", "owner_name")
