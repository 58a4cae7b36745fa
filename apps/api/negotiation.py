"""Content negotiation that never turns a valid request into a 404.

REST framework answers 404 when ``?format=`` names no renderer of the endpoint. The
platform ignores such a value instead and negotiates on the ``Accept`` header, as if the
parameter were absent: a stray or mistyped parameter cannot hide a resource.
"""

from rest_framework.negotiation import DefaultContentNegotiation


class LenientContentNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):  # noqa: A002 (REST framework's name)
        chosen = [renderer for renderer in renderers if renderer.format == format]
        return chosen or renderers
