from django.apps import AppConfig


class ReplicationConfig(AppConfig):
    """Reads on streaming replicas, writes and transactions on the primary (``router``), and
    read-your-writes by WAL position (``middleware``). Installed only when
    ``DATABASE_REPLICA_URLS`` names a replica: without one nothing of it runs."""

    name = "apps.replication"
    label = "replication"
    verbose_name = "Replication"
