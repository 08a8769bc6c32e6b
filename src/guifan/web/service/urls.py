from django.urls import path

from guifan.web.service import views

urlpatterns = [
    path("", views.policy_list, name="service-policies"),
    path("calendars/", views.calendar_list, name="calendar-list"),
    path("calendars/new/", views.calendar_edit, name="calendar-new"),
    path("calendars/<str:name>/", views.calendar_detail, name="calendar-detail"),
    path("calendars/<str:name>/edit/", views.calendar_edit, name="calendar-edit"),
    path("calendars/<str:name>/delete/", views.calendar_delete, name="calendar-delete"),
    path("calendars/<str:name>/rename/", views.calendar_rename, name="calendar-rename"),
    path("policies/<str:code>/<str:number>/<str:req>/", views.policy_edit, name="service-policy-edit"),
    path("policies/<str:code>/<str:number>/<str:req>/draft/", views.policy_draft, name="service-policy-draft"),
    path("teams/<str:code>/", views.team_page, name="service-team"),
]
