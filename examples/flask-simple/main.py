"""Application factory: wires settings, logging, security, error handlers, resources and blueprints.

gunicorn calls ``create_app()`` once in each worker process; ``flask run`` calls it for the
development server (``make run``), and ``flask openapi`` to print the OpenAPI schema.
"""

from flask_openapi3.models.info import Info

from database import init_database
from errors import ProblemDetailsAPI, install_error_handlers
from health_routes import blueprint as health_blueprint
from http_client import init_http_client
from items_routes import blueprint as items_blueprint
from logs import configure_logging, install_request_logging
from security import install_security
from settings import Settings, get_settings
from validation import install_body_parsing

# What the OpenAPI schema calls the API.
API_TITLE = "Acme Orders"
API_VERSION = "0.1.0"


def create_app(settings: Settings | None = None) -> ProblemDetailsAPI:
    """Build the application; tests pass their own settings."""
    settings = settings or get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    app = ProblemDetailsAPI(__name__, info=Info(title=API_TITLE, version=API_VERSION))
    app.config.update(
        SECRET_KEY=settings.secret_key.get_secret_value(),
        TESTING=settings.environment == "test",
        # Request bodies above this size are refused (413).
        MAX_CONTENT_LENGTH=settings.max_request_body_bytes,
    )
    app.extensions["settings"] = settings
    install_request_logging(app)
    install_security(app, settings)
    install_error_handlers(app)
    install_body_parsing(app)
    if settings.docs_enabled:
        # The schema alone: an interactive docs page needs scripts, which the
        # Content-Security-Policy of every response forbids.
        app.add_url_rule("/openapi.json", "openapi", lambda: app.api_doc)
    init_database(app, settings)
    init_http_client(app, settings)
    app.register_api(health_blueprint)
    app.register_api(items_blueprint)
    return app
