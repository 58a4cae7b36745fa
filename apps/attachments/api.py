"""Attachment endpoints: list and upload on a course or case; download and delete by id."""

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action, api_view
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.api.idempotency import idempotent
from apps.exchange.http import content_disposition

from . import services
from .checks import ascii_fallback
from .models import Attachment


class AttachmentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uid", read_only=True)
    size = serializers.IntegerField(source="stored.size", read_only=True)
    content_type = serializers.CharField(source="stored.content_type", read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "filename", "kind", "size", "content_type", "created_at", "download"]

    def get_download(self, obj) -> str:
        request = self.context.get("request")
        path = f"/api/v1/attachments/{obj.uid}/download/"
        return request.build_absolute_uri(path) if request else path


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class AttachmentsMixin:
    """For the libraries that take attachments (courses, cases)."""

    @extend_schema(
        methods=["GET"], responses=AttachmentSerializer(many=True), summary=_("Attachments")
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": UploadSerializer},
        responses={201: AttachmentSerializer},
        summary=_("Attach a file (PDF, Word, PowerPoint, Excel, JPEG, PNG)"),
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        filter_backends=[],
        parser_classes=[MultiPartParser, FormParser],
    )
    def attachments(self, request, pk=None):
        if request.method == "POST":
            return self._upload(request, pk)
        obj = self.get_object()
        items = services.attachments_of(obj)
        return Response(AttachmentSerializer(items, many=True, context={"request": request}).data)

    @idempotent
    def _upload(self, request, pk):
        from apps.sharing.api import expected_version

        attachment = services.attachment_add(
            self.model,
            user=request.user,
            pk=pk,
            upload=request.FILES.get("file"),
            expected_version=expected_version(request),
        )
        body = AttachmentSerializer(attachment, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(
    responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: OpenApiResponse()},
    summary=_("Download an attachment"),
)
@api_view(["GET"])
def download(request, uid):
    attachment = services.visible_attachment(uid, request.user)
    response = FileResponse(
        attachment.stored.file.open("rb"), content_type=attachment.stored.content_type
    )
    response["Content-Disposition"] = content_disposition(
        attachment.filename, ascii_fallback(attachment.filename)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@extend_schema(responses={204: None}, summary=_("Remove an attachment"))
@api_view(["DELETE"])
def remove(request, uid):
    services.attachment_remove(user=request.user, uid=uid)
    return Response(status=status.HTTP_204_NO_CONTENT)
