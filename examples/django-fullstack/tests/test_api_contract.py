"""Requests schemathesis derives from the OpenAPI schema: every response keeps the contract.

Valid and invalid requests for every operation; each response must be documented (status,
content type, body), errors must be problem details, and nothing may answer 5xx.
"""

import json
from io import StringIO
from typing import Any

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from hypothesis import HealthCheck, settings
from schemathesis import Case

# Requests reach the app in process through Django's WSGI handler (async views included),
# on the test's own thread and database connections.
application = WSGIHandler()


def build_schema() -> dict[str, Any]:
    """The schema `make openapi` writes, built without serving it."""
    out = StringIO()
    call_command("spectacular", "--format", "openapi-json", stdout=out)
    built: dict[str, Any] = json.loads(out.getvalue())
    return built


schema = schemathesis.openapi.from_dict(build_schema())


@schema.parametrize()
# Bounded for `make check`; raise max_examples for a deeper search. One database serves
# every example: later requests meet what earlier ones wrote.
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Each request ends by closing the database connection, as in production, so the test's data
# is committed rather than kept in a transaction that would not survive the close.
def test_every_operation_keeps_the_contract(case: Case[Any], transactional_db: None) -> None:
    case.call_and_validate(app=application)
