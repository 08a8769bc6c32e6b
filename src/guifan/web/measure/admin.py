from django.contrib import admin

from guifan.web.core.admin_audit import AuditedAdmin
from guifan.web.measure.models import DataSource

admin.site.register(DataSource, AuditedAdmin)
