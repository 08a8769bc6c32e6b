from django.urls import path

from guifan.web.org import views

urlpatterns = [
    path("", views.org_home, name="org-home"),
    path("units/new/", views.unit_edit, name="org-unit-new"),
    path("units/<str:code>/", views.unit_detail, name="org-unit"),
    path("units/<str:code>/edit/", views.unit_edit, name="org-unit-edit"),
    path("people/new/", views.person_edit, name="org-person-new"),
    path("people/<str:code>/edit/", views.person_edit, name="org-person-edit"),
    path("positions/new/", views.position_edit, name="org-position-new"),
    path("positions/<str:code>/edit/", views.position_edit, name="org-position-edit"),
    path("units/<str:code>/delete/", views.delete, {"kind": "unit"}, name="org-unit-delete"),
    path("people/<str:code>/delete/", views.delete, {"kind": "person"}, name="org-person-delete"),
    path("positions/<str:code>/delete/", views.delete, {"kind": "position"}, name="org-position-delete"),
    path("raci/<str:code>/add/", views.raci_add, name="raci-add"),
    path("raci/<str:code>/<int:pk>/remove/", views.raci_remove, name="raci-remove"),
]
