"""Routes of the app: the health probes, the items API and the pages."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from app.api.health import live, ready
from app.api.items import ItemViewSet
from app.views.items import item_detail_page, item_list_page

# /api/v1/items and /api/v1/items/<id>, without trailing slashes.
router = SimpleRouter(trailing_slash=False, use_regex_path=False)
router.register("api/v1/items", ItemViewSet, basename="item")

urlpatterns = [
    path("health/live", live, name="health-live"),
    path("health/ready", ready, name="health-ready"),
    *router.urls,
    path("", item_list_page, name="item-list-page"),
    path("items/<int:pk>/", item_detail_page, name="item-detail-page"),
]
