"""The jobs API: submit a webhook delivery, then poll its status.

These handlers are coroutines: the job records use Redis's asyncio client, and
the job queue sends from a worker thread, since the Celery client blocks.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response, status

from acme_orders.core.config import settings_from
from acme_orders.repositories.jobs import JobRepository
from acme_orders.schemas.jobs import IDEMPOTENCY_KEY_MAX_LENGTH, JobCreate, JobRead
from acme_orders.services.jobs import JobService

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    status.HTTP_404_NOT_FOUND: {"description": "No job with this id"}
}
SUBMIT_ERRORS: dict[int | str, dict[str, Any]] = {
    status.HTTP_409_CONFLICT: {"description": "The Idempotency-Key came with another request"},
    status.HTTP_503_SERVICE_UNAVAILABLE: {"description": "Redis or the broker is down"},
}


async def get_job_service(request: Request) -> JobService:
    jobs = JobRepository(request.app.state.redis, settings_from(request).jobs_queue)
    return JobService(jobs, request.app.state.job_queue)


JobServiceDep = Annotated[JobService, Depends(get_job_service)]


@router.post("", status_code=status.HTTP_202_ACCEPTED, responses=SUBMIT_ERRORS)
async def submit_job(
    data: JobCreate,
    service: JobServiceDep,
    response: Response,
    idempotency_key: Annotated[
        str | None, Header(min_length=1, max_length=IDEMPOTENCY_KEY_MAX_LENGTH)
    ] = None,
) -> JobRead:
    """Accept a webhook for delivery; a repeat under the same Idempotency-Key gets the first job."""
    job, _ = await service.submit(str(data.url), data.payload, idempotency_key)
    response.headers["Location"] = f"{router.prefix}/{job.id}"
    return JobRead.model_validate(job)


@router.get("/{job_id}", responses=NOT_FOUND)
async def get_job(job_id: str, service: JobServiceDep) -> JobRead:
    return JobRead.model_validate(await service.get(job_id))
