from django.urls import URLPattern, path

from guifan.web.process import discovery_views

urlpatterns: list[URLPattern] = [
    path("discovery/", discovery_views.process_index, name="process-index"),
    path("discovery/<str:code>/", discovery_views.discovery_page, name="process-discovery"),
    path("cases/<str:code>/", discovery_views.case_page, name="process-case"),
]
