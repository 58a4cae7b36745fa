from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What an operator runs the platform with: probes, metrics and structured logs."""

    name = "apps.operations"
    verbose_name = "operations"

    def ready(self):
        from . import logs, metrics

        logs.configure_structlog()
        logs.connect_job_signals()
        metrics.count_database_queries()
