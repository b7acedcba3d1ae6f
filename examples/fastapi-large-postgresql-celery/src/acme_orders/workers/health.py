"""The worker containers' healthcheck: exits 0 when Redis (the broker too) answers, else 1.

Run as ``python -m`` on this module; it prints one line on stderr either way.
"""

import logging
import sys

from redis import Redis

from acme_orders.core.config import get_settings
from acme_orders.core.logging import configure_logging

settings = get_settings()
configure_logging(level=settings.log_level, json=settings.log_json)

TIMEOUT_SECONDS = 5


def main() -> int:
    # The answer is the one line below; the clients' own log lines would only repeat it.
    logging.disable(logging.CRITICAL)
    redis = Redis.from_url(
        settings.redis_url,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
    )
    try:
        redis.ping()
    except Exception as error:  # whatever the client raises, the answer is "unhealthy"
        detail = f"{type(error).__name__}: {error}" if str(error) else repr(error)
        sys.stderr.write(f"unhealthy: {detail}\n")
        return 1
    finally:
        redis.close()
    sys.stderr.write("healthy: Redis answers\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
