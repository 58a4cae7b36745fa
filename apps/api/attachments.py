"""Attachment endpoints (``apps.attachments``): list and upload on a resource of a library
that carries files; download and delete by id."""

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers, status
from rest_framework.decorators import action, api_view
from rest_framework.response import Response

from apps.attachments import services
from apps.attachments.checks import KINDS, LEGACY_TYPES, ascii_fallback
from apps.attachments.models import Attachment
from apps.exchange.http import content_disposition
from apps.sharing.api import expected_version
from apps.sharing.openapi import CONTENT_DISPOSITION, endpoint

from .idempotency import idempotent
from .parsers import FormParser, MultiPartParser


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


# Every type a download may answer with: the types the upload check accepts.
DOWNLOAD_TYPES = sorted({mime for _exts, mime in KINDS.values()} | set(LEGACY_TYPES.values()))


class AttachmentsMixin:
    """For the libraries whose items carry files (``Library.attachments``)."""

    @endpoint(
        404,
        methods=["GET"],
        responses={200: AttachmentSerializer(many=True)},
        summary=_("Attachments"),
    )
    @endpoint(
        400,
        403,
        404,
        409,
        if_match=True,
        idempotent=True,
        methods=["POST"],
        request={"multipart/form-data": UploadSerializer},
        responses={201: AttachmentSerializer},
        summary=_("Attach a file (PDF, Word, PowerPoint, Excel, JPEG, PNG)"),
        description=(
            "multipart/form-data 的 file 字段。类型按文件内容判断，不看扩展名；图片会重新编码、"
            "去掉元数据。资源版本加一（新的 ETag 请重新读取）。"
            " The file in the multipart field ``file``. Its type is judged from its content, not"
            " its name; images are re-encoded without metadata. The resource's version goes up"
            " by one (read it again for the new ETag)."
        ),
        examples=[
            OpenApiExample(
                "refused-file",
                summary="不接受的文件 A refused file",
                value={
                    "type": "about:blank",
                    "title": "请求无效",
                    "status": 400,
                    "detail": "部分字段缺失或无效。",
                    "errors": {
                        "file": [
                            "不支持该文件类型，请上传 PDF、Word、PowerPoint、"
                            "Excel、JPEG 或 PNG 文件。"
                        ]
                    },
                },
                response_only=True,
                status_codes=["400"],
            )
        ],
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
        attachment = services.attachment_add(
            self.model,
            user=request.user,
            pk=pk,
            upload=request.FILES.get("file"),
            expected_version=expected_version(request),
        )
        body = AttachmentSerializer(attachment, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


@endpoint(
    404,
    parameters=[CONTENT_DISPOSITION],
    responses={(200, mime): OpenApiTypes.BINARY for mime in DOWNLOAD_TYPES},
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


@endpoint(
    403,
    404,
    409,
    if_match=True,
    responses={204: None},
    summary=_("Remove an attachment"),
    description=(
        "If-Match 填所属资源（课程或案例）的 ETag：删除附件是对该资源的修改，资源版本加一。"
        " If-Match carries the ETag of the resource the file belongs to (the course or case):"
        " removing a file changes that resource, and its version goes up by one."
    ),
)
@api_view(["DELETE"])
def remove(request, uid):
    services.attachment_remove(
        user=request.user, uid=uid, expected_version=expected_version(request)
    )
    return Response(status=status.HTTP_204_NO_CONTENT)
