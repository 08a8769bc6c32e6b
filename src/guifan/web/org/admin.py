from django.contrib import admin

from guifan.web.core.admin_audit import AuditedAdmin
from guifan.web.org.models import OrgUnit, Person, Position, Raci


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ("code", "name", "name_en", "kind", "parent")
    search_fields = ("code", "name", "name_en")


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("code", "name", "unit", "position", "user", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")


admin.site.register(Position, AuditedAdmin)
admin.site.register(Raci, AuditedAdmin)
