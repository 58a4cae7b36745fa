from django.apps import AppConfig


class SeedsConfig(AppConfig):
    """The demo data set and its loader (``manage.py seed_demo``)."""

    name = "seeds"
    label = "seeds"
    verbose_name = "Demo data"
