"""Requests schemathesis derives from the OpenAPI schema: every response keeps the contract.

Valid and invalid requests for every operation; each response must be documented (status,
content type, body), errors must be problem details, and nothing may answer 5xx.
"""

from typing import Any

import schemathesis
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from schemathesis import Case

from main import create_app
from settings import Settings

# The schema the app serves at /openapi.json, built without serving it.
schema = schemathesis.openapi.from_dict(create_app(Settings(environment="test")).api_doc)


@schema.parametrize()
# Bounded for `make check`; raise max_examples for a deeper search. One app, and one
# database, serves every example: later requests meet what earlier ones wrote.
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_every_operation_keeps_the_contract(case: Case[Any], client: FlaskClient) -> None:
    case.call_and_validate(app=client.application)
