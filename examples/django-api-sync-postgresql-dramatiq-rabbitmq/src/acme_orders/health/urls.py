"""Routes of the health probes."""

from django.urls import path

from acme_orders.health.api import live, ready

urlpatterns = [
    path("health/live", live, name="health-live"),
    path("health/ready", ready, name="health-ready"),
]
