from django.urls import path

from guifan.web.quality import views

urlpatterns = [
    path("", views.characteristics, name="quality-characteristics"),
    path("<str:code>/chart/", views.chart, name="quality-chart"),
    path("<str:code>/capability/", views.capability, name="quality-capability"),
    path("<str:code>/settings/", views.settings, name="quality-settings"),
    path("<str:code>/exclusions/", views.exclusion_add, name="quality-exclusion-add"),
    path("exclusions/<int:pk>/delete/", views.exclusion_delete, name="quality-exclusion-delete"),
]
