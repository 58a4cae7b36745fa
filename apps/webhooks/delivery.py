"""Delivering events to webhooks (filled in by the webhooks work)."""


def queue_deliveries(event, resource) -> None:
    """Channel of ``apps.notifications``: one delivery per matching webhook, then a job each."""
