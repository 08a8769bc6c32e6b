from django.contrib import admin

from guifan.web.org.models import OrgUnit, Person, Position, Raci

admin.site.register(OrgUnit)
admin.site.register(Position)
admin.site.register(Person)
admin.site.register(Raci)
