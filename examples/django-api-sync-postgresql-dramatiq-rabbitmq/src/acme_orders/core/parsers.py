"""Request body parsers for Django REST Framework.

A module of its own: DRF imports the parser classes its settings name while
``acme_orders.core.rest`` is importing DRF.
"""

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a document nested deeper than the decoder follows is a 400 too."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            msg = "JSON parse error - the document is nested too deeply."
            raise exceptions.ParseError(msg) from error
