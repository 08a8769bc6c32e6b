from django.urls import path

from guifan.web.measure import views

urlpatterns = [
    path("evaluations/", views.evaluation_list, name="evaluation-list"),
    path("evaluations/progress/", views.evaluation_progress, name="evaluation-progress"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation-detail"),
    path("results/<int:pk>/", views.result_detail, name="result-detail"),
    path("results/<int:pk>/violations.<str:fmt>", views.result_download, name="result-download"),
    path("datasets/", views.dataset_list, name="dataset-list"),
    path("datasets/<str:name>/", views.dataset_detail, name="dataset-detail"),
]
