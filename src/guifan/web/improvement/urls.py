from django.urls import path

from guifan.web.improvement import views

urlpatterns = [
    path("", views.finding_list, name="finding-list"),
    path("new/", views.finding_new, name="finding-new"),
    path("<int:pk>/", views.finding_detail, name="finding-detail"),
    path("from-result/<int:result_pk>/", views.finding_from_result, name="finding-from-result"),
]
