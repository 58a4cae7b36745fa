"""Admin import page and export action, mixed into every library's admin."""


class ExchangeAdminMixin:
    pass
