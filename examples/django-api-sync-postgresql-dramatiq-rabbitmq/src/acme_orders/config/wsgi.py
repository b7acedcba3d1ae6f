"""The WSGI application gunicorn serves (``gunicorn acme_orders.config.wsgi``)."""

from django.core.wsgi import get_wsgi_application

from acme_orders.config.environment import use_environment_settings

use_environment_settings()
application = get_wsgi_application()
