"""The health app: liveness and readiness probes."""

from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "acme_orders.health"
    verbose_name = "Health"
