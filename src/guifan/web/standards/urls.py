from django.urls import path

from guifan.web.standards import pack_views, views

urlpatterns = [
    path("", views.standard_list, name="standard-list"),
    path("import/", pack_views.import_view, name="pack-import"),
    path("export/", pack_views.export_view, name="pack-export"),
    path("<str:code>/", views.standard_detail, name="standard-detail"),
    path("<str:code>/diff/", views.version_diff, name="standard-diff"),
    path("<str:code>/draft/", views.transition, {"action": "draft"}, name="standard-new-draft"),
    path("<str:code>/submit/", views.transition, {"action": "submit"}, name="standard-submit"),
    path("<str:code>/approve/", views.transition, {"action": "approve"}, name="standard-approve"),
    path("<str:code>/send-back/", views.transition, {"action": "send-back"}, name="standard-send-back"),
    path("<str:code>/effective/", views.transition, {"action": "effective"}, name="standard-effective"),
    path("<str:code>/acknowledge/", views.transition, {"action": "acknowledge"}, name="standard-acknowledge"),
    path("<str:code>/attach/", views.attach, name="standard-attach"),
    path("<str:code>/attachments/<int:pk>/", views.attachment, name="standard-attachment"),
    path("<str:code>/v/<str:number>/edit/", views.edit_draft, name="version-edit"),
    path("<str:code>/v/<str:number>/requirements/new/", views.edit_requirement, name="requirement-new"),
    path("<str:code>/v/<str:number>/requirements/<str:req>/", views.edit_requirement, name="requirement-edit"),
]
