"""URL configuration: every route of the project starts here."""

from django.contrib import admin
from django.urls import include, path

from app.core.api_docs import SchemaView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("app.urls")),
    # The OpenAPI schema: served only with DOCS_ENABLED.
    path("api/schema/", SchemaView.as_view(), name="openapi-schema"),
]

# Django's own error answers, as problem details like every other error.
handler400 = "app.core.errors.bad_request"
handler403 = "app.core.errors.permission_denied"
handler404 = "app.core.errors.page_not_found"
handler500 = "app.core.errors.server_error"
