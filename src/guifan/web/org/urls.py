from django.urls import path

from guifan.web.org import views

urlpatterns = [
    path("", views.org_home, name="org-home"),
    path("units/<str:code>/", views.unit_detail, name="org-unit"),
]
