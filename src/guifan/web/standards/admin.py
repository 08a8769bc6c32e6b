from django.contrib import admin

from guifan.web.standards.models import Requirement, Standard, StandardVersion

admin.site.register(Standard)
admin.site.register(StandardVersion)
admin.site.register(Requirement)
