from django.contrib import admin

from guifan.web.measure.models import DataSource, Evaluation

admin.site.register(DataSource)
admin.site.register(Evaluation)
