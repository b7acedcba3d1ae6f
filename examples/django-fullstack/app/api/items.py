"""The items API: reads go to selectors, writes to services.

Any path segment reaches the views as the id: one that is no number from 1 to
``MAX_ID`` is a 422 problem, never a query.

Django REST Framework views are synchronous: under ASGI, Django runs them in a
worker thread. Errors become problem details in the project's exception handler.
"""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from app.core.openapi import PATH_ID
from app.core.rest import path_id, request_body
from app.models.items import Item
from app.selectors.items import item_get, item_list
from app.serializers.items import ItemSerializer
from app.services.items import item_create, item_delete, item_update

# The errors of the items API's own; those of every operation are documented in openapi.
NOT_FOUND = OpenApiResponse(description="No item has this id.")
NAME_TAKEN = OpenApiResponse(description="Another item already has this name.")


@extend_schema_view(
    retrieve=extend_schema(parameters=[PATH_ID], responses={200: ItemSerializer, 404: NOT_FOUND}),
    create=extend_schema(responses={201: ItemSerializer, 409: NAME_TAKEN}),
    partial_update=extend_schema(
        parameters=[PATH_ID],
        responses={200: ItemSerializer, 404: NOT_FOUND, 409: NAME_TAKEN},
    ),
    destroy=extend_schema(parameters=[PATH_ID], responses={204: None, 404: NOT_FOUND}),
)
class ItemViewSet(viewsets.GenericViewSet[Item]):
    serializer_class = ItemSerializer
    lookup_value_converter = "str"

    def get_queryset(self) -> QuerySet[Item]:
        return item_list()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(item_get(item_id=path_id(pk))).data)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request_body(request))
        serializer.is_valid(raise_exception=True)
        item = item_create(**serializer.validated_data)
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        item_id = path_id(pk)
        serializer = self.get_serializer(data=request_body(request), partial=True)
        serializer.is_valid(raise_exception=True)
        item = item_update(item=item_get(item_id=item_id), data=serializer.validated_data)
        return Response(self.get_serializer(item).data)

    def destroy(self, request: Request, pk: str) -> Response:
        item_delete(item=item_get(item_id=path_id(pk)))
        return Response(status=status.HTTP_204_NO_CONTENT)
