"""Requests schemathesis derives from the OpenAPI schema: every response keeps the contract.

Valid and invalid requests for every operation; each response must be documented (status,
content type, body), errors must be problem details, and nothing may answer 5xx.
"""

from typing import Any

import schemathesis
from httpx import AsyncClient
from hypothesis import HealthCheck, settings
from schemathesis import Case

from acme_orders.core.config import Settings
from acme_orders.main import create_app

# The schema the app serves at /openapi.json, built without starting the app.
schema = schemathesis.openapi.from_dict(create_app(Settings(environment="test")).openapi())


@schema.parametrize()
# Bounded for `make check`; raise max_examples for a deeper search. One client, and one
# database, serves every example: later requests meet what earlier ones wrote.
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
async def test_every_operation_keeps_the_contract(case: Case[Any], client: AsyncClient) -> None:
    request = case.as_transport_kwargs(base_url=str(client.base_url))
    # The API reads no cookies; httpx takes a raw body as `content`.
    del request["cookies"]
    if "data" in request:
        request["content"] = request.pop("data")
    case.validate_response(await client.request(**request))
