from django.urls import path

from guifan.web.process import views

# Process definitions live under definitions/; process discovery (another module) adds its own routes below.
urlpatterns = [
    path("definitions/", views.definition_list, name="process-definitions"),
    path("definitions/new/", views.definition_edit, name="process-definition-new"),
    path("definitions/<str:code>/", views.definition_detail, name="process-definition"),
    path("definitions/<str:code>/diagram.svg", views.definition_svg, name="process-definition-svg"),
    path("definitions/<str:code>/check/", views.definition_check, name="process-definition-check"),
    path("definitions/<str:code>/edit/", views.definition_edit, name="process-definition-edit"),
    path("definitions/<str:code>/delete/", views.definition_delete, name="process-definition-delete"),
    path("definitions/<str:code>/raci/", views.step_raci_add, name="process-step-raci-add"),
    path("definitions/<str:code>/raci/<int:pk>/remove/", views.step_raci_remove, name="process-step-raci-remove"),
]
