"""API actions for Excel import/export, mixed into every library's viewset."""


class ExchangeViewSetMixin:
    pass
