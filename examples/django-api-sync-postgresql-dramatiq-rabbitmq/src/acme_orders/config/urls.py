"""URL configuration: every route of the project starts here."""

from django.contrib import admin
from django.urls import include, path

from acme_orders.core.api_docs import SchemaView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("acme_orders.health.urls")),
    path("", include("acme_orders.items.urls")),
    path("", include("acme_orders.jobs.urls")),
    path("", include("acme_orders.core.metrics")),
    # The OpenAPI schema: served only with DOCS_ENABLED.
    path("api/schema/", SchemaView.as_view(), name="openapi-schema"),
]

# Django's own error answers, as problem details like every other error.
handler400 = "acme_orders.core.errors.bad_request"
handler403 = "acme_orders.core.errors.permission_denied"
handler404 = "acme_orders.core.errors.page_not_found"
handler500 = "acme_orders.core.errors.server_error"
