from rest_framework import serializers

from apps.cases.models import Case
from apps.faculty.models import Lecturer
from apps.sharing.api import SharedResourceSerializer
from apps.sharing.fields import VisibleResourceField
from apps.taxonomy.models import CourseKind, TeachingMethod, ThematicDomain
from apps.teaching_sites.models import TeachingSite

from ..models import Course, GroupRole, TeachingGroupMember


class TeachingGroupMemberSerializer(serializers.ModelSerializer):
    """A seat in the "1+N" joint teaching group."""

    lecturer = VisibleResourceField(Lecturer)
    lecturer_name = serializers.CharField(source="lecturer.title", read_only=True)
    role = serializers.ChoiceField(choices=GroupRole.choices)

    class Meta:
        model = TeachingGroupMember
        fields = ["lecturer", "lecturer_name", "role", "duty"]


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
    cases = VisibleResourceField(Case, many=True, required=False)
    sites = VisibleResourceField(TeachingSite, many=True, required=False)
    teaching_group = TeachingGroupMemberSerializer(many=True, required=False)

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
            "cases",
            "sites",
            "teaching_group",
        ]
