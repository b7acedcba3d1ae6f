"""The jobs API: submit a webhook delivery, then follow its status.

Errors become problem details in the project's exception handler.
"""

import functools

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from redis import Redis
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from acme_orders.jobs.queue import JobQueue
from acme_orders.jobs.repository import JobRepository
from acme_orders.jobs.serializers import (
    IDEMPOTENCY_KEY_HEADER,
    IDEMPOTENCY_KEY_MAX_LENGTH,
    JobCreateSerializer,
    JobSerializer,
    idempotency_key,
)
from acme_orders.jobs.services import JobService

IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_KEY_HEADER,
    {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH},
    OpenApiParameter.HEADER,
    description="Submitting again with the same key returns the first job instead of a new one.",
)
LOCATION = OpenApiParameter(
    "Location",
    str,
    OpenApiParameter.HEADER,
    required=True,
    response=[status.HTTP_202_ACCEPTED],
    description="The job's URL.",
)
KEY_REUSED = OpenApiResponse(
    description="The Idempotency-Key was used for a request with another URL or payload."
)
NOT_FOUND = OpenApiResponse(description="No job has this id.")


@functools.cache
def job_repository() -> JobRepository:
    """The job records, through one Redis client (and its connection pool) per process."""
    return JobRepository(Redis.from_url(settings.REDIS_URL), settings.JOBS_QUEUE)


@functools.cache
def job_queue() -> JobQueue:
    """The producer that hands jobs to Dramatiq, one per process."""
    return JobQueue(broker_url=settings.BROKER_URL, queue=settings.JOBS_QUEUE)


def job_service() -> JobService:
    return JobService(job_repository(), job_queue())


class JobListView(APIView):
    @extend_schema(
        request=JobCreateSerializer,
        responses={202: JobSerializer, 409: KEY_REUSED},
        parameters=[IDEMPOTENCY_KEY, LOCATION],
    )
    def post(self, request: Request) -> Response:
        """202: the job is queued (or was, under the same Idempotency-Key); Location is its URL."""
        body = JobCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job, _created = job_service().submit(
            url=body.validated_data["url"],
            payload=body.validated_data["payload"],
            idempotency_key=idempotency_key(request.headers),
        )
        return Response(
            JobSerializer(job).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("job-detail", kwargs={"job_id": job.id})},
        )


class JobDetailView(APIView):
    @extend_schema(responses={200: JobSerializer, 404: NOT_FOUND})
    def get(self, request: Request, job_id: str) -> Response:
        """The job's status; 404 when there is no such job."""
        return Response(JobSerializer(job_service().get(job_id)).data)
