from django.urls import URLPattern, path

from guifan.web.process import discovery_views, views

# Process definitions live under definitions/; process discovery and case timelines under discovery/ and cases/.
urlpatterns: list[URLPattern] = [
    path("definitions/", views.definition_list, name="process-definitions"),
    path("definitions/new/", views.definition_edit, name="process-definition-new"),
    path("definitions/<str:code>/", views.definition_detail, name="process-definition"),
    path("definitions/<str:code>/diagram.svg", views.definition_svg, name="process-definition-svg"),
    path("definitions/<str:code>/check/", views.definition_check, name="process-definition-check"),
    path("definitions/<str:code>/edit/", views.definition_edit, name="process-definition-edit"),
    path("definitions/<str:code>/delete/", views.definition_delete, name="process-definition-delete"),
    path("definitions/<str:code>/raci/", views.step_raci_add, name="process-step-raci-add"),
    path("definitions/<str:code>/raci/<int:pk>/remove/", views.step_raci_remove, name="process-step-raci-remove"),
    path("discovery/", discovery_views.process_index, name="process-index"),
    path("discovery/<str:code>/", discovery_views.discovery_page, name="process-discovery"),
    path("cases/<str:code>/", discovery_views.case_page, name="process-case"),
]
