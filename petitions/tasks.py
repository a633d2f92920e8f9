"""Celery tasks of the petitions app."""

from celery import shared_task


@shared_task
def refresh_county_statistics():
    """The beat's refresh of the county-wide statistics snapshot (stats.facts_snapshot)."""
    from .services.stats import refresh_county_snapshots

    return refresh_county_snapshots()
