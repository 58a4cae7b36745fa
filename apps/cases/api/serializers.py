from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.api import SharedResourceSerializer
from apps.taxonomy.models import ThematicDomain

from ..models import Case


class CaseSerializer(SharedResourceSerializer):
    domains = serializers.SlugRelatedField(
        slug_field="code", queryset=ThematicDomain.objects.all(), many=True, required=False
    )
    place = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.filter(
            kind__in=[OrganizationKind.DISTRICT, OrganizationKind.TOWN]
        ),
        required=False,
        allow_null=True,
    )
    place_name = serializers.CharField(source="place.name", read_only=True, default=None)
    contributing_department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.filter(kind=OrganizationKind.DEPARTMENT),
        required=False,
        allow_null=True,
    )
    courses = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(SharedResourceSerializer.Meta):
        model = Case
        fields = [
            *SharedResourceSerializer.Meta.fields,
            "background",
            "key_issues",
            "teaching_notes",
            "discussion_questions",
            "domains",
            "industry",
            "place",
            "place_name",
            "year",
            "contributing_department",
            "external_ref",
            "courses",
        ]
        # Uniqueness of external_ref is checked in validate(), naming the field.
        validators = []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        ref = attrs.get("external_ref")
        owner = attrs.get("owner") or getattr(self.instance, "owner", None)
        if ref and owner is not None:
            clash = Case.objects.filter(owner=owner, external_ref=ref)
            if self.instance is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise serializers.ValidationError(
                    {"external_ref": [_("This reference is already used by another case.")]}
                )
        return attrs
