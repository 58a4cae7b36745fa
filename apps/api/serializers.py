from rest_framework import serializers

from apps.accounts.models import Membership, User
from apps.organizations.models import Organization


class OrganizationSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(
        source="parent.code", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = Organization
        fields = ["code", "name", "short_name", "kind", "parent", "depth"]


class MembershipSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code")
    organization_name = serializers.CharField(source="organization.name")
    organization_kind = serializers.CharField(source="organization.kind")

    class Meta:
        model = Membership
        fields = ["organization", "organization_name", "organization_kind", "role"]


class MeSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "memberships"]
