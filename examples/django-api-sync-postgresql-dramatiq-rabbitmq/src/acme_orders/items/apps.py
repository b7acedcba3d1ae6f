"""The items app: an example resource with full CRUD."""

from django.apps import AppConfig


class ItemsConfig(AppConfig):
    name = "acme_orders.items"
    verbose_name = "Items"
