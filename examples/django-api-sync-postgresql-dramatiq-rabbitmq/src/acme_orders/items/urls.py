"""Routes of the items API."""

from rest_framework.routers import SimpleRouter

from acme_orders.items.api import ItemViewSet

# /api/v1/items and /api/v1/items/<id>, without trailing slashes.
router = SimpleRouter(trailing_slash=False, use_regex_path=False)
router.register("api/v1/items", ItemViewSet, basename="item")

urlpatterns = [
    *router.urls,
]
