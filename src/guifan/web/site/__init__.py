"""The Django project that hosts Guifan's web application."""
