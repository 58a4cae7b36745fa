"""Serializer fields that respect visibility: a link never reveals what the reader may not see."""

from rest_framework import serializers


class VisibleResourceField(serializers.PrimaryKeyRelatedField):
    """A link to a shared resource, accepted only when the requesting user can see it.

    Reading relies on the viewset's per-request ``Prefetch`` of visible objects.
    """

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.model.objects.restrict(getattr(request, "user", None), "view")
