"""The worker containers' healthcheck: exits 0 when the broker and Redis answer, else 1.

Run as ``python -m`` on this module; it prints one line on stderr either way.
"""

import logging
import sys

import django
from django.conf import settings
from redis import Redis

from acme_orders.config.environment import use_environment_settings
from acme_orders.jobs.queue import JobQueue

use_environment_settings()
django.setup()

TIMEOUT_SECONDS = 5


def main() -> int:
    # The answer is the one line below; the clients' own log lines would only repeat it.
    logging.disable(logging.CRITICAL)
    queue = JobQueue(broker_url=settings.BROKER_URL, queue=settings.JOBS_QUEUE)
    redis = Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
    )
    try:
        queue.ping()
        redis.ping()
    except Exception as error:  # whatever the client raises, the answer is "unhealthy"
        detail = f"{type(error).__name__}: {error}" if str(error) else repr(error)
        sys.stderr.write(f"unhealthy: {detail}\n")
        return 1
    finally:
        queue.close()
        redis.close()
    sys.stderr.write("healthy: the broker and Redis answer\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
