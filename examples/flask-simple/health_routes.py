"""Liveness and readiness probes for load balancers and orchestrators."""

from http import HTTPStatus

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from database import get_probe_engine
from health_schemas import Liveness, Readiness
from health_service import HealthService
from http_client import current_http_client
from settings import current_settings
from validation import json_response

blueprint = APIBlueprint("health", __name__, url_prefix="/health", abp_tags=[Tag(name="health")])


def health_service() -> HealthService:
    return HealthService(
        database=get_probe_engine(),
        http_client=current_http_client(),
        upstream_urls=[str(url) for url in current_settings().readiness_urls],
    )


@blueprint.get("/live", responses={HTTPStatus.OK: Liveness})
def live() -> Response:
    """The process is up and serving requests."""
    return json_response(Liveness())


@blueprint.get(
    "/ready",
    responses={
        HTTPStatus.OK: Readiness,
        HTTPStatus.SERVICE_UNAVAILABLE: {"description": "A dependency is unavailable"},
    },
)
def ready() -> Response:
    """Every dependency answers: this instance can take traffic (else 503, listing the checks)."""
    return json_response(health_service().readiness())
