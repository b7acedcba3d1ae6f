"""The ASGI application uvicorn serves (``uvicorn config.asgi:application``)."""

import warnings

from django.core.asgi import get_asgi_application

from config.environment import use_environment_settings

# whitenoise answers with a synchronous file iterator, which Django streams from a
# worker thread under ASGI; it works, and need not warn about it on every file.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators", category=Warning
)

use_environment_settings()
application = get_asgi_application()
