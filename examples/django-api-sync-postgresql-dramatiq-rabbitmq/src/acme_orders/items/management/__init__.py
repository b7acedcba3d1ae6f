"""The app's own manage.py commands."""
