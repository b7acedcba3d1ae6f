"""Django models. Each feature's models live in their own module; Django finds them here."""

from app.models.items import Item

__all__ = ["Item"]
