"""Application factory: wires settings, logging, middleware, error handlers, routes, lifespan."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI
from redis.asyncio import BlockingConnectionPool, Redis

from acme_orders.api.health import router as health_router
from acme_orders.api.items import router as items_router
from acme_orders.api.jobs import router as jobs_router
from acme_orders.core.config import Settings, get_settings
from acme_orders.core.database import build_engine, build_sessionmaker
from acme_orders.core.errors import (
    ProblemDetailsAPI,
    UnhandledErrorMiddleware,
    install_error_handlers,
)
from acme_orders.core.http import build_http_client
from acme_orders.core.logging import RequestIdMiddleware, configure_logging
from acme_orders.core.metrics import MetricsMiddleware
from acme_orders.core.metrics import router as metrics_router
from acme_orders.core.security import (
    RequestBodyMiddleware,
    SecurityHeadersMiddleware,
    TrustedHostMiddleware,
)
from acme_orders.queues.jobs import JobQueue

# The web process's connections to Redis (the job records), and how long a request
# waits for one when all are busy.
REDIS_MAX_CONNECTIONS = 50
REDIS_POOL_TIMEOUT_SECONDS = 5


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the shared resources on startup; release them, in reverse order, on shutdown."""
    settings: Settings = app.state.settings
    async with AsyncExitStack() as resources:
        engine = build_engine(
            settings.database_url,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            pool_timeout=settings.database_pool_timeout_seconds,
            connect_timeout=settings.database_connect_timeout_seconds,
            statement_timeout=settings.database_statement_timeout_seconds,
        )
        resources.push_async_callback(engine.dispose)
        app.state.sessionmaker = build_sessionmaker(engine)
        http_client = build_http_client(settings)
        resources.push_async_callback(http_client.aclose)
        app.state.http_client = http_client
        # A burst of requests beyond the pool's connections waits for one (Redis is
        # unavailable, a 503, after REDIS_POOL_TIMEOUT_SECONDS) instead of failing at once.
        redis = Redis.from_pool(
            BlockingConnectionPool.from_url(
                settings.redis_url,
                max_connections=REDIS_MAX_CONNECTIONS,
                timeout=REDIS_POOL_TIMEOUT_SECONDS,
            )
        )
        resources.push_async_callback(redis.aclose)
        app.state.redis = redis
        job_queue = JobQueue(broker_url=settings.redis_url, queue=settings.jobs_queue)
        resources.callback(job_queue.close)
        app.state.job_queue = job_queue
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; tests pass their own settings."""
    settings = settings or get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    app = ProblemDetailsAPI(
        title=settings.app_name,
        version="0.1.0",
        lifespan=lifespan,
        # Without the OpenAPI schema, FastAPI serves neither /docs nor /redoc.
        openapi_url="/openapi.json" if settings.docs_enabled else None,
    )
    app.state.settings = settings
    # The last one added runs first: a request meets them from the bottom up.
    app.add_middleware(RequestBodyMiddleware, max_bytes=settings.max_request_body_bytes)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.environment == "production")
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(items_router)
    app.include_router(jobs_router)
    app.include_router(metrics_router)
    return app


app = create_app()
