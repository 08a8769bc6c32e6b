"""WSGI entry point (gunicorn guifan.web.site.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guifan.web.site.settings")
application = get_wsgi_application()
