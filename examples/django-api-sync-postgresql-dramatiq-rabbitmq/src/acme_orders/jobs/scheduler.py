"""The periodic job's scheduler: APScheduler sends the stale-job expiry to the worker.

``make scheduler`` runs it; run one per deployment, or each extra one sends the job
again. APScheduler rather than periodiq: it is maintained, and needs no extra broker
middleware in the worker.
"""

import signal
from datetime import UTC, datetime
from types import FrameType

import structlog
from apscheduler.schedulers.blocking import BlockingScheduler

from acme_orders.jobs.tasks import EXPIRE_EVERY_SECONDS, EXPIRE_STALE_JOBS
from acme_orders.jobs.worker import expire_stale

logger = structlog.stdlib.get_logger(__name__)


def send_expire_stale() -> None:
    expire_stale.send()
    logger.info("periodic_job_sent", job=EXPIRE_STALE_JOBS)


def main() -> None:
    scheduler = BlockingScheduler(timezone=UTC)
    scheduler.add_job(
        send_expire_stale,
        "interval",
        seconds=EXPIRE_EVERY_SECONDS,
        id=EXPIRE_STALE_JOBS,
        next_run_time=datetime.now(UTC),
        # After a pause, send it once rather than once per missed run.
        coalesce=True,
    )

    def stop(signum: int, frame: FrameType | None) -> None:
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    scheduler.start()


if __name__ == "__main__":
    main()
