"""URL map: pages, the REST API under /api/, the admin under /admin/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from guifan.web.core import views as core_views

urlpatterns = [
    path("", core_views.dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="core/password.html", success_url="/"),
        name="password_change",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("audit/", core_views.audit_log, name="audit-log"),
    path("audit/<str:object_type>/<str:object_id>/", core_views.audit_trail, name="audit"),
    path("standards/", include("guifan.web.standards.urls")),
    path("org/", include("guifan.web.org.urls")),
    path("findings/", include("guifan.web.improvement.urls")),
    path("quality/", include("guifan.web.quality.urls")),
    path("service/", include("guifan.web.service.urls")),
    path("process/", include("guifan.web.process.urls")),
    path("", include("guifan.web.measure.urls")),
    path("api/", include("guifan.web.site.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
