"""Clients that hand jobs to the task queue."""
