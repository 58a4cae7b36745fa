from rest_framework import serializers

from apps.sharing.api import SharedResourceSerializer
from apps.taxonomy.models import CourseKind, TeachingMethod, ThematicDomain

from ..models import Course


class CourseSerializer(SharedResourceSerializer):
    domains = serializers.SlugRelatedField(
        slug_field="code", queryset=ThematicDomain.objects.all(), many=True, required=False
    )
    kind = serializers.SlugRelatedField(
        slug_field="code", queryset=CourseKind.objects.all(), required=False, allow_null=True
    )
    methods = serializers.SlugRelatedField(
        slug_field="code", queryset=TeachingMethod.objects.all(), many=True, required=False
    )

    class Meta(SharedResourceSerializer.Meta):
        model = Course
        fields = [
            *SharedResourceSerializer.Meta.fields,
            "summary",
            "outline",
            "domains",
            "kind",
            "methods",
            "class_hours",
            "target_audience",
        ]
