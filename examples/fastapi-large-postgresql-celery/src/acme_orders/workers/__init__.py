"""The worker processes: job logic, the queue's worker and its scheduler."""
