"""Settings, all from the environment. Nothing secret lives in the repository.

GUIFAN_ENV            dev (default) | test | prod
GUIFAN_SECRET_KEY     required in prod; in dev a key is generated once into GUIFAN_HOME/secret_key
DATABASE_URL          e.g. postgres://user:pass@host:5432/guifan; default SQLite in GUIFAN_HOME/guifan.sqlite3
GUIFAN_HOME           where the app keeps its files (default ./var)
GUIFAN_ALLOWED_HOSTS  comma-separated, prod only
GUIFAN_MAX_UPLOAD_MB  largest upload accepted (default 200)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import plotly

ENV = os.environ.get("GUIFAN_ENV", "dev")
HOME = Path(os.environ.get("GUIFAN_HOME", "var")).resolve()
HOME.mkdir(parents=True, exist_ok=True)
BASE_DIR = Path(__file__).resolve().parent.parent


def _secret_key() -> str:
    key = os.environ.get("GUIFAN_SECRET_KEY")
    if key:
        return key
    if ENV == "prod":
        raise RuntimeError("set GUIFAN_SECRET_KEY in the environment for production")
    path = HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = ENV == "dev"
ALLOWED_HOSTS = (
    [h.strip() for h in os.environ.get("GUIFAN_ALLOWED_HOSTS", "").split(",") if h.strip()]
    if ENV == "prod"
    else ["127.0.0.1", "localhost", "testserver", "[::1]"]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "guifan.web.core",
    "guifan.web.org",
    "guifan.web.standards",
    "guifan.web.measure",
    "guifan.web.improvement",
    "guifan.web.quality",
    "guifan.web.service",
    "guifan.web.process",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "guifan.web.site.urls"
WSGI_APPLICATION = "guifan.web.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "guifan.web.core.context.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{HOME / 'guifan.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("GUIFAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static", ("plotly", Path(plotly.__file__).parent / "package_data")]
MEDIA_ROOT = HOME / "media"
MAX_UPLOAD_BYTES = int(os.environ.get("GUIFAN_MAX_UPLOAD_MB", "200")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Guifan API",
    "DESCRIPTION": "Operating standards: catalogue, organisation, evaluations and results.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ResultStatusEnum": "guifan.web.measure.models.Status",
        "VersionStatusEnum": "guifan.web.standards.models.VersionStatus",
        "EvaluationStateEnum": "guifan.web.measure.models.Evaluation.State",
        "ActionKindEnum": "guifan.web.improvement.models.ActionKind.choices",
        "FindingSourceEnum": "guifan.web.improvement.models.Source.choices",
    },
}

if ENV == "prod":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
if ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
