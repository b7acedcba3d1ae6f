"""Job records in Redis: what the API records and reports, and what the worker updates.

A job is one JSON document at ``<queue>:job:<id>``. An idempotency key points
at the job it created (``<queue>:idempotency:<key>``), and jobs not finished yet
are indexed by their last change (``<queue>:unfinished``), so the periodic job can
fail the ones nothing has moved for too long: never picked up, or lost with a
worker that died on their last attempt.
"""

import json
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from redis import Redis
from redis.asyncio import Redis as AsyncRedis

# How long a job record and its idempotency key are kept.
RETENTION = timedelta(days=7)


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in {JobStatus.SUCCEEDED, JobStatus.FAILED}


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    status: JobStatus
    url: str
    payload: dict[str, Any]
    attempts: int
    request_id: str | None
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    updated_at: datetime

    def to_json(self) -> str:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        data["updated_at"] = self.updated_at.isoformat()
        return json.dumps(data)

    @classmethod
    def from_json(cls, raw: bytes | str) -> "Job":
        data = json.loads(raw)
        data["status"] = JobStatus(data["status"])
        data["created_at"] = datetime.fromisoformat(data["created_at"])
        data["updated_at"] = datetime.fromisoformat(data["updated_at"])
        return cls(**data)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class JobKeys:
    """Where one queue's job records live in Redis."""

    def __init__(self, queue: str) -> None:
        self._prefix = f"{queue}:"

    def job(self, job_id: str) -> str:
        return f"{self._prefix}job:{job_id}"

    def idempotency(self, key: str) -> str:
        return f"{self._prefix}idempotency:{key}"

    @property
    def unfinished(self) -> str:
        return f"{self._prefix}unfinished"


class JobRepository:
    """The web process's side: record a submitted job, report it, forget a refused one."""

    def __init__(self, redis: AsyncRedis, queue: str) -> None:
        self._redis = redis
        self._keys = JobKeys(queue)

    async def ping(self) -> None:
        await self._redis.ping()

    async def create(
        self,
        *,
        url: str,
        payload: dict[str, Any],
        request_id: str | None,
        idempotency_key: str | None,
    ) -> tuple[Job, bool]:
        """Store a new queued job; ``(job, False)`` is the earlier job of a repeated key."""
        now = datetime.now(UTC)
        job = Job(
            id=uuid.uuid4().hex,
            status=JobStatus.QUEUED,
            url=url,
            payload=payload,
            attempts=0,
            request_id=request_id,
            result=None,
            error=None,
            created_at=now,
            updated_at=now,
        )
        # The record exists before the key points at it, so a racing request that
        # loses the key always finds the winner's job.
        await self._save(job)
        if idempotency_key is not None:
            key = self._keys.idempotency(idempotency_key)
            if not await self._redis.set(key, job.id, nx=True, ex=RETENTION):
                await self._redis.delete(self._keys.job(job.id))
                existing_id = await self._redis.get(key)
                existing = await self.get(_text(existing_id)) if existing_id else None
                if existing is not None:
                    return existing, False
                await self._save(job)
        await self._redis.zadd(self._keys.unfinished, {job.id: now.timestamp()})
        return job, True

    async def discard(self, job_id: str, idempotency_key: str | None) -> None:
        """Forget a job the task queue never accepted, and free its idempotency key."""
        await self._redis.delete(self._keys.job(job_id))
        await self._redis.zrem(self._keys.unfinished, job_id)
        if idempotency_key is not None:
            key = self._keys.idempotency(idempotency_key)
            owner = await self._redis.get(key)
            if owner is not None and _text(owner) == job_id:
                await self._redis.delete(key)

    async def get(self, job_id: str) -> Job | None:
        raw = await self._redis.get(self._keys.job(job_id))
        return Job.from_json(raw) if raw is not None else None

    async def _save(self, job: Job) -> None:
        await self._redis.set(self._keys.job(job.id), job.to_json(), ex=RETENTION)


class JobProgress:
    """The worker's side: each attempt and its outcome, and the jobs nothing moves."""

    def __init__(self, redis: Redis, queue: str) -> None:
        self._redis = redis
        self._keys = JobKeys(queue)

    def get(self, job_id: str) -> Job | None:
        raw = self._redis.get(self._keys.job(job_id))
        return Job.from_json(raw) if raw is not None else None

    def start_attempt(self, job_id: str) -> Job | None:
        """Mark the job running and count the attempt; None if it is unknown or finished."""
        job = self.get(job_id)
        if job is None or job.status.finished:
            return None
        return self._update(job, status=JobStatus.RUNNING, attempts=job.attempts + 1)

    def retrying(self, job_id: str, error: str) -> None:
        self._set_status(job_id, JobStatus.RETRYING, error=error)

    def succeeded(self, job_id: str, result: dict[str, Any]) -> None:
        self._set_status(job_id, JobStatus.SUCCEEDED, result=result, error=None)

    def failed(self, job_id: str, error: str) -> None:
        self._set_status(job_id, JobStatus.FAILED, error=error)

    def stale(self, older_than: timedelta) -> list[str]:
        """Ids of the unfinished jobs that have not changed for ``older_than``."""
        cutoff = (datetime.now(UTC) - older_than).timestamp()
        ids = self._redis.zrangebyscore(self._keys.unfinished, "-inf", cutoff)
        return [_text(job_id) for job_id in cast("list[bytes | str]", ids)]

    def _set_status(self, job_id: str, status: JobStatus, **changes: Any) -> None:
        job = self.get(job_id)
        if job is not None:
            self._update(job, status=status, **changes)

    def _update(self, job: Job, **changes: Any) -> Job:
        updated = replace(job, **changes, updated_at=datetime.now(UTC))
        self._redis.set(self._keys.job(job.id), updated.to_json(), ex=RETENTION)
        if updated.status.finished:
            self._redis.zrem(self._keys.unfinished, job.id)
        else:
            self._redis.zadd(self._keys.unfinished, {job.id: updated.updated_at.timestamp()})
        return updated
