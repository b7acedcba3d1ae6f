"""Request and response bodies of the items API.

A body is a JSON object of known fields; text is a JSON string without what a
database cannot store (NUL characters, lone surrogates). Anything else is a 422
naming the field.
"""

from typing import Any

from rest_framework import serializers

from acme_orders.core.rest import TextField, refuse_unknown_fields
from acme_orders.items.models import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH, Item


class ItemSerializer(serializers.ModelSerializer[Item]):
    # Declared, not derived from the model: the fields take JSON strings only. And the
    # model's unique index would add a uniqueness validator, but a taken name is a
    # business rule the service answers with 409 Conflict.
    name = TextField(max_length=NAME_MAX_LENGTH)
    description = TextField(max_length=DESCRIPTION_MAX_LENGTH, allow_blank=True, required=False)

    class Meta:
        model = Item
        fields = ("id", "name", "description", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")

    def to_internal_value(self, data: Any) -> Any:
        refuse_unknown_fields(self, data)
        return super().to_internal_value(data)
