"""Routes of the jobs API."""

from django.urls import path

from acme_orders.jobs.api import JobDetailView, JobListView

urlpatterns = [
    path("api/v1/jobs", JobListView.as_view(), name="job-list"),
    path("api/v1/jobs/<str:job_id>", JobDetailView.as_view(), name="job-detail"),
]
