from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from apps.accounts.actor import actor_for
from apps.sharing.api import SharedResourceSerializer
from apps.taxonomy.models import LecturerKind, ThematicDomain

from ..models import Lecturer, LecturerContact
from ..privacy import may_read_contact


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = LecturerContact
        fields = ["phone", "email", "id_number"]


class TeachesSerializer(serializers.Serializer):
    course = serializers.IntegerField(source="course_id")
    course_title = serializers.CharField(source="course.title")
    role = serializers.CharField()


class ContactField(ContactSerializer):
    """The contact block, present only when the reader may see personal data (else skipped)."""

    def get_attribute(self, instance):
        if not self.parent.contact_allowed(instance):
            raise serializers.SkipField()
        return getattr(instance, "contact", None)


class ContactFieldSchema(OpenApiSerializerExtension):
    """In answers the block is null when the lecturer has no contact data (it is never null in a
    request: sending null is refused)."""

    target_class = ContactField

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "nullable": True} if direction == "response" else schema


class LecturerSerializer(SharedResourceSerializer):
    """A lecturer. ``title`` is the name. ``contact`` appears only on a single lecturer read by
    the curators of its school or of the municipal school; never in lists."""

    name = serializers.CharField(source="title", read_only=True)
    kind = serializers.SlugRelatedField(
        slug_field="code", queryset=LecturerKind.objects.all(), required=False, allow_null=True
    )
    domains = serializers.SlugRelatedField(
        slug_field="code", queryset=ThematicDomain.objects.all(), many=True, required=False
    )
    contact = ContactField(required=False)
    teaches = TeachesSerializer(source="group_seats", many=True, read_only=True)

    class Meta(SharedResourceSerializer.Meta):
        model = Lecturer
        fields = [
            *SharedResourceSerializer.Meta.fields,
            "name",
            "kind",
            "employer",
            "position",
            "professional_title",
            "employment",
            "domains",
            "biography",
            "contact",
            "teaches",
        ]

    def contact_allowed(self, instance) -> bool:
        if not self.context.get("single"):
            return False
        request = self.context.get("request")
        return request is not None and may_read_contact(actor_for(request.user), instance)
