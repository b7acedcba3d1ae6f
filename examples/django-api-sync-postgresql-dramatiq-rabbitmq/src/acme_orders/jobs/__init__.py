"""Durable jobs: submitted through the API, run by the worker, their status in Redis."""
