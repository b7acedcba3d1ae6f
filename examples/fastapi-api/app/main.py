"""Application factory: wires settings, logging, middleware, error handlers, routes, lifespan."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI

from app.database import build_engine, build_sessionmaker
from app.errors import ProblemDetailsAPI, UnhandledErrorMiddleware, install_error_handlers
from app.http_client import build_http_client
from app.logging import RequestIdMiddleware, configure_logging
from app.routes.health import router as health_router
from app.routes.items import router as items_router
from app.security import RequestBodyMiddleware, SecurityHeadersMiddleware, TrustedHostMiddleware
from app.settings import Settings, get_settings


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
            statement_timeout=settings.database_statement_timeout_seconds,
        )
        resources.push_async_callback(engine.dispose)
        app.state.sessionmaker = build_sessionmaker(engine)
        http_client = build_http_client(settings)
        resources.push_async_callback(http_client.aclose)
        app.state.http_client = http_client
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
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(items_router)
    return app


app = create_app()
