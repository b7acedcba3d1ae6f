"""Django REST Framework serializers: request and response bodies."""
