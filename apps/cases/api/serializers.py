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
        # Uniqueness of external_ref is the service's (sharing.services, Case.uniqueness_errors):
        # checked by the database, so a concurrent twin is caught too, and named in errors.
        validators = []
