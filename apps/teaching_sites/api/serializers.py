from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.faculty.models import Lecturer
from apps.organizations.models import Organization, OrganizationKind
from apps.sharing.api import SharedResourceSerializer
from apps.sharing.fields import VisibleResourceField
from apps.taxonomy.models import SiteCategory, ThematicDomain

from ..models import Lifecycle, LifecycleEvent, TeachingSite

MAP_URL = "https://uri.amap.com/marker?position={lng},{lat}&name={name}&coordinate=wgs84"


class TeachingSiteSerializer(SharedResourceSerializer):
    """An on-site teaching site. ``title`` is the site's name."""

    category = serializers.SlugRelatedField(
        slug_field="code", queryset=SiteCategory.objects.all(), required=False, allow_null=True
    )
    district = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.filter(kind=OrganizationKind.DISTRICT),
        required=False,
        allow_null=True,
    )
    town = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.filter(kind=OrganizationKind.TOWN),
        required=False,
        allow_null=True,
    )
    domains = serializers.SlugRelatedField(
        slug_field="code", queryset=ThematicDomain.objects.all(), many=True, required=False
    )
    lecturers = VisibleResourceField(Lecturer, many=True, required=False)
    courses = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    map_url = serializers.SerializerMethodField()

    class Meta(SharedResourceSerializer.Meta):
        model = TeachingSite
        fields = [
            *SharedResourceSerializer.Meta.fields,
            "category",
            "host_organization",
            "address",
            "district",
            "town",
            "latitude",
            "longitude",
            "map_url",
            "teaching_points",
            "domains",
            "visit_minutes",
            "capacity",
            "lecturers",
            "visit_contact",
            "lifecycle",
            "courses",
        ]
        read_only_fields = [*SharedResourceSerializer.Meta.read_only_fields, "lifecycle"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_map_url(self, obj) -> str | None:
        if obj.latitude is None or obj.longitude is None:
            return None
        return MAP_URL.format(lng=obj.longitude, lat=obj.latitude, name=obj.title)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        district = attrs.get("district", getattr(self.instance, "district", None))
        town = attrs.get("town", getattr(self.instance, "town", None))
        if town is not None and (district is None or town.parent_id != district.pk):
            raise serializers.ValidationError(
                {"town": [_("The town must lie in the site's district.")]}
            )
        return attrs


class LifecycleChangeSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Lifecycle.choices)
    reason = serializers.CharField(max_length=2000)
    effective_on = serializers.DateField(required=False)


class LifecycleEventSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username")

    class Meta:
        model = LifecycleEvent
        fields = ["from_state", "to_state", "reason", "effective_on", "user", "created_at"]
