"""The project's one Django app: every feature, split by layer."""

from django.apps import AppConfig


class ProjectConfig(AppConfig):
    name = "app"
    verbose_name = "Acme Orders"
