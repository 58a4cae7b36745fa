"""The REST parts every library is built from: one base serializer and one base viewset.

A library subclasses ``SharedResourceViewSet`` in its own folder (its serializer, filters,
prefetches and own actions) and names it in its registry entry. The API layer
(``apps.api.viewsets``) composes the served viewset from it and the features (history,
Excel, attachments) and makes the handlers marked ``@idempotent`` replay retries. This
module imports none of them.
"""

from __future__ import annotations

import copy
import re

from django.db.models import Prefetch
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response
from rest_framework.settings import api_settings

from apps.accounts.actor import actor_for
from apps.accounts.models import ApiToken
from apps.organizations.models import Organization

from . import list_cache, review, services, versions
from .choices import Scope, Status
from .exceptions import ResourceNotFound
from .fields import BulkManyRelatedField
from .models import ReuseRecord
from .openapi import IF_MATCH, endpoint
from .registry import library_for_model, linked_models, reviewable


class SourceUpdateSerializer(serializers.Serializer):
    """A copy's source has a newer published version: the one it came from, the newest.
    复用来源已发布新版本：复用时的版本与最新版本。"""

    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()


class CreditSerializer(serializers.ModelSerializer):
    """The district school that recommended a resource to the city (向上推荐单位)."""

    class Meta:
        model = Organization
        fields = ["id", "code", "name"]
        read_only_fields = fields


_FIELD_PROTOTYPES: dict[tuple[type, str | None], dict] = {}


class SharedResourceSerializer(serializers.ModelSerializer):
    """Fields every library item carries; libraries add their content fields."""

    owner = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.all(),
        help_text=_("Code of the owning organisation; set on creation only."),
    )
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    author = serializers.CharField(source="author.username", read_only=True)
    audience = serializers.CharField(source="audience.code", read_only=True)
    source = serializers.SerializerMethodField(
        help_text=_("The resource this one was reused from, when you may see it.")
    )
    source_update = serializers.SerializerMethodField(
        help_text=_(
            "When the source you may see was published at a newer version than the one this "
            "copy came from (and that version was not declined): the two versions; else null."
        )
    )
    recommended_by = CreditSerializer(
        read_only=True,
        allow_null=True,
        help_text=_(
            "The district school that recommended it to the city (向上推荐), kept as its credit "
            "once published city-wide; null when not recommended."
        ),
    )

    overdue = serializers.BooleanField(
        read_only=True,
        help_text=_("Whether its review-by date has passed (today in Asia/Shanghai)."),
    )

    class Meta:
        fields = [
            "id",
            "title",
            "owner",
            "owner_name",
            "author",
            "status",
            "scope",
            "audience",
            "version",
            "source",
            "source_version",
            "source_update",
            "reuse_count",
            "review_by",
            "overdue",
            "recommended_by",
            "recommended_at",
            "recommendation_note",
            "rejection_reason",
            "submitted_at",
            "published_at",
            "created_at",
            "updated_at",
        ]
        # Everything but the title and the owner is set by the sharing services, never by input.
        read_only_fields = [f for f in fields if f not in ("title", "owner", "owner_name")]

    def get_fields(self):
        """The fields, built from the model once per serializer class and language and copied
        for each instance: REST framework builds them afresh on every instantiation (model
        introspection, ~0.5 ms); nothing here depends on the instance or the request, and a
        copy is as new and unbound as a freshly built field."""
        # Per language: REST framework labels a field from the model's verbose name only when
        # it differs from the default, which it decides in the language active at build time.
        key = (type(self), get_language())
        prototype = _FIELD_PROTOTYPES.get(key)
        if prototype is None:
            prototype = _FIELD_PROTOTYPES[key] = self._build_fields()
        return copy.deepcopy(prototype)

    def _build_fields(self):
        """Every writable list of links (``many=True`` codes or ids) is read with one query
        for the whole list and bounded (``apps.sharing.fields.BulkManyRelatedField``)."""
        fields = super().get_fields()
        if not reviewable(self.Meta.model):  # review-by dates: cases and courses only
            fields.pop("review_by", None)
            fields.pop("overdue", None)
        for name, field in fields.items():
            if type(field) is serializers.ManyRelatedField and not field.read_only:
                child = copy.deepcopy(field.child_relation)  # unbound, as a new field must be
                fields[name] = BulkManyRelatedField(**{**field._kwargs, "child_relation": child})
        return fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_source(self, obj) -> int | None:
        # A copy must not reveal a source that has since left the reader's sight.
        return obj.source_id if getattr(obj, "source_visible", False) else None

    @extend_schema_field(SourceUpdateSerializer(allow_null=True))
    def get_source_update(self, obj) -> dict | None:
        return getattr(obj, "source_update", None)

    def validate(self, attrs):
        if self.instance is not None and "owner" in attrs:
            raise serializers.ValidationError(
                {"owner": [_("The owner of an existing resource cannot be changed.")]}
            )
        return attrs


class ScopeSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=Scope.choices)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, trim_whitespace=True)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=2000,
        trim_whitespace=True,
        help_text=_("Why the city should share it (the district's recommendation)."),
    )


class ReuseRequestSerializer(serializers.Serializer):
    owner = serializers.CharField(
        max_length=32, help_text=_("Code of the school that receives the copy.")
    )


class ReuseRecordSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code")
    organization_name = serializers.CharField(source="organization.name")
    user = serializers.CharField(source="user.username")
    behind = serializers.SerializerMethodField(
        help_text=_("Whether the copy has neither taken nor declined the newest version.")
    )
    from_version = serializers.SerializerMethodField(
        help_text=_("When behind: the source version the copy is at.")
    )
    to_version = serializers.SerializerMethodField(
        help_text=_("When behind: the source's newest published version.")
    )

    class Meta:
        model = ReuseRecord
        fields = [
            "organization",
            "organization_name",
            "user",
            "copy_id",
            "source_version",
            "created_at",
            "behind",
            "from_version",
            "to_version",
        ]

    def get_behind(self, record) -> bool:
        return getattr(record, "update", None) is not None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_from_version(self, record) -> int | None:
        update = getattr(record, "update", None)
        return update["from_version"] if update else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_to_version(self, record) -> int | None:
        update = getattr(record, "update", None)
        return update["to_version"] if update else None


class PublishedVersionSerializer(serializers.Serializer):
    """A published version of the resource, as it was kept. 资源的一个已发布版本。"""

    version = serializers.IntegerField()
    title = serializers.CharField()
    published_at = serializers.DateTimeField()
    published_by = serializers.CharField(
        source="published_by.username", allow_null=True, default=None
    )


class PublishedVersionContentSerializer(PublishedVersionSerializer):
    content = serializers.DictField(
        help_text=_(
            "The content fields as published: plain values, links as sorted ids (only those "
            "you may see), the library's kept extras."
        )
    )


class FieldDiffSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    base = serializers.JSONField(
        allow_null=True, help_text=_("The value in the version the copy came from.")
    )
    upstream = serializers.JSONField(
        allow_null=True, help_text=_("The value in the source's newest published version.")
    )
    local = serializers.JSONField(allow_null=True, help_text=_("The copy's value now."))
    changed_locally = serializers.BooleanField()
    changed_upstream = serializers.BooleanField()


class DiffSourceSerializer(serializers.Serializer):
    library = serializers.CharField()
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField(help_text=_("The source's status."))


class SourceDiffSerializer(serializers.Serializer):
    """A copy against its source, field by field (three-way). 复用副本与来源的逐字段对比。"""

    source = DiffSourceSerializer()
    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    source_update = SourceUpdateSerializer(allow_null=True)
    base_known = serializers.BooleanField(
        help_text=_(
            "False when the version the copy came from was published before versions were "
            "kept: the copy's own values stand in for it."
        )
    )
    fields = FieldDiffSerializer(many=True)


class SyncSerializer(serializers.Serializer):
    accept = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        max_length=50,
        help_text=_("The fields to take from the source's newest published version."),
    )
    decline = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Take nothing and hide the notice until a still newer version."),
    )
    to_version = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=999_999_999,
        help_text=_(
            "The source version you compared with (to_version of the source-diff). When the "
            "source has published another since, nothing changes and the answer is 409: "
            "read the diff again."
        ),
    )


# If-Match uses strong comparison (RFC 9110 §13.1.1): a weak validator never matches.
_ETAG = re.compile(r'^\s*"(\d+)"\s*$')


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = _(
        "Send If-Match with the ETag you last read: with an API token, changes need it."
    )
    default_code = "precondition_required"


def expected_version(request) -> int | None:
    """The version named by ``If-Match`` (None when absent); an unreadable value never matches.

    Scripts and partner systems (token requests) must send it: they are the ones that
    replay stale data, so a change without it is refused with 428 before anything happens.
    """
    header = request.headers.get("If-Match")
    if header is None and isinstance(request.auth, ApiToken):
        raise PreconditionRequired()
    if header is None or header.strip() == "*":
        return None
    match = _ETAG.match(header)
    return int(match.group(1)) if match else -1


class StableOrderingFilter(OrderingFilter):
    """Requested orderings end with ``-id`` so that cursor pages never repeat or skip ties."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not any(f.lstrip("-") in ("id", "pk") for f in ordering):
            ordering = [*ordering, "-id"]
        return ordering


def idempotent(handler):
    """Mark a POST handler whose retry with the same ``Idempotency-Key`` must replay its first
    answer. The API layer (``apps.api.idempotency``) gives the marked handlers that behaviour."""
    handler.idempotent = True
    return handler


class SharedResourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create, edit, delete and the workflow actions of one library.

    The queryset is always the user's restricted one, so anything out of reach
    answers 404; writes go through ``apps.sharing.services``.
    """

    model = None
    prefetch: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    # Ids are ASCII digits: "/１/", "/٣/", "/+1/" named item 1 or 3 before (int() reads them).
    lookup_value_regex = "[0-9]+"
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    # Edits are partial (PATCH): the owner is fixed at creation, so a full PUT cannot exist.
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    ordering_fields = ["id", "updated_at", "title"]

    # Actions that read the kept versions, not the item: no prefetch of what the item shows.
    versions_actions = ("versions", "version", "source_diff")

    def get_queryset(self):
        if self.action in self.versions_actions:
            return self.model.objects.restrict(self.request.user, "view").with_sharing_relations()
        return (
            self.model.objects.restrict(self.request.user, "view")
            .with_sharing_relations()
            .select_related(*self.select)
            .prefetch_related(*self.get_prefetches())
        )

    def mark_visible_sources(self, objs) -> None:
        """Set ``source_visible`` on each item: may this reader see what it was copied from?

        One query for the whole page, run whatever the page holds so that a list costs the
        same number of queries for any data. (As an ``Exists`` annotation, PostgreSQL
        planned it as a hashed scan of every visible row: 130 ms a list at a million rows.)

        The same query reads each visible source's status and newest published version, so
        ``source_update`` (``apps.sharing.versions``) costs nothing more.
        """
        states = versions.source_states(self.model, self.request.user, objs)
        for obj in objs:
            obj.source_visible = obj.source_id in states
            state = states.get(obj.source_id)
            obj.source_update = versions.source_update(obj, *state) if state else None

    def list(self, request, *args, **kwargs):
        """A page of the library, cached per audience (``apps.sharing.list_cache``).

        Only complete answers are cached: a filter error raises before anything is kept.
        """
        parts = (request.build_absolute_uri(), get_language())
        known = {
            *self.filterset_class.base_filters,
            "cursor",
            "page_size",
            "format",
            api_settings.ORDERING_PARAM,
        }
        data = list_cache.get_or_compute(
            f"api:{self.model._meta.label_lower}",
            actor_for(request.user),
            parts,
            self._list_data,
            library=library_for_model(self.model).key,
            cacheable=list_cache.known_parameters(request, known),
        )
        return Response(data)

    def _list_data(self):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if page is None:  # every list is paginated (apps.api.pagination); kept for safety
            page = list(queryset)
        self.mark_visible_sources(page)
        serializer = self.get_serializer(page, many=True)
        if self.paginator is None:
            return serializer.data
        return self.get_paginated_response(serializer.data).data

    def get_prefetches(self) -> list:
        """Prefetches for the items: the library's own, and for each link to another library
        (``Library.links``) that the item shows, only the resources the reader may see, so a
        link never reveals what is out of reach. Libraries add further ``Prefetch`` objects."""
        user = self.request.user
        shown = set(self.get_serializer_class().Meta.fields)
        return [
            *self.prefetch,
            *(
                Prefetch(name, queryset=related.objects.restrict(user, "view").only("id"))
                for name, related in linked_models(self.model)
                if name in shown
            ),
        ]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["single"] = self.action != "list"  # lists never carry per-item extras
        return context

    def _reload(self, pk):
        return self.get_queryset().get(pk=pk)

    def _represent(self, obj) -> dict:
        """One item as the API shows it to this reader."""
        self.mark_visible_sources([obj])
        return self.get_serializer(obj).data

    def _respond(self, obj, code=status.HTTP_200_OK):
        return Response(self._represent(obj), status=code, headers={"ETag": obj.etag})

    @staticmethod
    def _content(validated: dict) -> dict:
        validated.pop("owner", None)
        return validated

    def retrieve(self, request, *args, **kwargs):
        """One item, cached per audience like the lists (``apps.sharing.list_cache``).

        What the answer shows is decided by the reader's seats alone (the item, its links
        the reader may see, whether its source is visible, a lecturer's contact for the
        curators above), and every change it could show raises a content version the
        reader's key reads: the item's own before and after, and its links'
        (``content_version.depends_on``). Only a found item is kept: a 404 raises before
        anything is cached, so an item coming into sight is seen at once. Not kept: answers
        that may carry personal data (``item_cacheable``), and the browsable API's pages
        (their edit form is filled from the serializer, which a cached answer no longer has).
        """
        actor = actor_for(request.user)
        data, etag = list_cache.get_or_compute(
            f"api-item:{self.model._meta.label_lower}",
            actor,
            (request.build_absolute_uri(), get_language()),
            self._item_data,
            library=library_for_model(self.model).key,
            cacheable=list_cache.known_parameters(request, {"format"})
            and request.accepted_renderer.format == "json"
            and self.item_cacheable(actor),
        )
        return Response(data, headers={"ETag": etag})

    def item_cacheable(self, actor) -> bool:
        """Whether this reader's answers for an item may be kept in the shared cache: never
        when they may hold personal data (a lecturer's contact, for the curators who may read
        it), which the cache must not hold (``apps.sharing.list_cache``)."""
        return True

    def _item_data(self) -> tuple[dict, str]:
        obj = self.get_object()
        return self._represent(obj), obj.etag

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        owner = serializer.validated_data["owner"]
        # A library may send a new item straight to review (a department's case): the
        # service decides (``SharedResource.submit_on_create``), for every entry point.
        obj = services.resource_create(
            self.model,
            user=request.user,
            owner_code=owner.code,
            data=self._content(dict(serializer.validated_data)),
        )
        return self._respond(self._reload(obj.pk), status.HTTP_201_CREATED)

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        obj = services.resource_update(
            self.model,
            user=request.user,
            pk=instance.pk,
            data=self._content(dict(serializer.validated_data)),
            expected_version=expected_version(request),
        )
        return self._respond(self._reload(obj.pk))

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(parameters=[IF_MATCH])
    def destroy(self, request, *args, **kwargs):
        services.resource_delete(
            self.model,
            user=request.user,
            pk=self.kwargs["pk"],
            expected_version=expected_version(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _transition(self, request, service, **params):
        obj = service(
            self.model,
            user=request.user,
            pk=self.kwargs["pk"],
            expected_version=expected_version(request),
            **params,
        )
        try:
            return self._respond(self._reload(obj.pk))
        except self.model.DoesNotExist:
            # Rejecting or withdrawing hands the resource back to its owner, which
            # may take it out of the reviewer's sight; answer with what changed.
            return Response(
                {"id": obj.pk, "status": obj.status, "version": obj.version},
                headers={"ETag": obj.etag},
            )

    def _payload(self, serializer_class, request):
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=ScopeSerializer, parameters=[IF_MATCH], summary=_("Submit for review"))
    @action(detail=True, methods=["post"])
    @idempotent
    def submit(self, request, pk=None):
        scope = self._payload(ScopeSerializer, request)["scope"]
        return self._transition(request, services.resource_submit, scope=scope)

    @extend_schema(request=ScopeSerializer, parameters=[IF_MATCH], summary=_("Publish at a scope"))
    @action(detail=True, methods=["post"])
    @idempotent
    def publish(self, request, pk=None):
        scope = self._payload(ScopeSerializer, request)["scope"]
        return self._transition(request, services.resource_publish, scope=scope)

    @extend_schema(
        request=ReasonSerializer, parameters=[IF_MATCH], summary=_("Reject with a reason")
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def reject(self, request, pk=None):
        reason = self._payload(ReasonSerializer, request)["reason"]
        return self._transition(request, services.resource_reject, reason=reason)

    @extend_schema(request=None, parameters=[IF_MATCH], summary=_("Withdraw"))
    @action(detail=True, methods=["post"])
    @idempotent
    def withdraw(self, request, pk=None):
        return self._transition(request, services.resource_withdraw)

    @extend_schema(
        request=NoteSerializer, parameters=[IF_MATCH], summary=_("Recommend to the city")
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def recommend(self, request, pk=None):
        note = self._payload(NoteSerializer, request)["note"]
        return self._transition(request, services.resource_recommend, note=note)

    @extend_schema(
        request=ReasonSerializer, parameters=[IF_MATCH], summary=_("Decline a recommendation")
    )
    @action(detail=True, methods=["post"], url_path="decline-recommendation")
    @idempotent
    def decline_recommendation(self, request, pk=None):
        reason = self._payload(ReasonSerializer, request)["reason"]
        return self._transition(request, services.resource_decline_recommendation, reason=reason)

    @extend_schema(request=ReuseRequestSerializer, summary=_("Reuse into a school"))
    @action(detail=True, methods=["post"])
    @idempotent
    def reuse(self, request, pk=None):
        target = self._payload(ReuseRequestSerializer, request)["owner"]
        copy = services.resource_reuse(
            self.model, user=request.user, pk=self.kwargs["pk"], target_code=target
        )
        # A repeat (same user, version and school) answers with the copy made before: 200.
        repeat = getattr(copy, "reused_before", False)
        code = status.HTTP_200_OK if repeat else status.HTTP_201_CREATED
        return self._respond(self._reload(copy.pk), code)

    @extend_schema(responses=ReuseRecordSerializer(many=True), summary=_("Where it is reused"))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def reuses(self, request, pk=None):
        obj = self.get_object()
        records = list(services.reuse_records_for(obj))
        for record, update in zip(records, versions.copies_behind(obj, records), strict=True):
            record.update = update
        return Response(ReuseRecordSerializer(records, many=True).data)

    # ---- published versions and keeping a copy in step (apps.sharing.versions) --------------

    @extend_schema(responses=PublishedVersionSerializer(many=True), summary=_("Published versions"))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def versions(self, request, pk=None):
        obj = self.get_object()
        return Response(PublishedVersionSerializer(versions.versions_of(obj), many=True).data)

    @extend_schema(responses=PublishedVersionContentSerializer, summary=_("One published version"))
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<number>[0-9]{1,9})",
        url_name="version",
        pagination_class=None,
        filter_backends=[],
    )
    def version(self, request, pk=None, number=None):
        obj = self.get_object()
        kept = versions.versions_of(obj).filter(version=int(number)).first()
        if kept is None:
            raise ResourceNotFound()
        kept.content = versions.visible_content(self.model, request.user, kept.content)
        return Response(PublishedVersionContentSerializer(kept).data)

    def _source_of(self, copy):
        """The copy's source if the reader may see it; otherwise 404 (not a copy, or its
        source is out of sight: nothing to compare with)."""
        source = (
            self.model.objects.restrict(self.request.user, "view").filter(pk=copy.source_id).first()
            if copy.source_id
            else None
        )
        if source is None:
            raise ResourceNotFound()
        return source

    @extend_schema(responses=SourceDiffSerializer, summary=_("Compare a copy with its source"))
    @action(
        detail=True,
        methods=["get"],
        url_path="source-diff",
        url_name="source-diff",
        pagination_class=None,
        filter_backends=[],
    )
    def source_diff(self, request, pk=None):
        copy = self.get_object()
        compared = versions.diff(copy, self._source_of(copy)).hide_links(request.user)
        return Response(SourceDiffSerializer(compared.as_dict()).data)

    @extend_schema(request=SyncSerializer, parameters=[IF_MATCH], summary=_("Take or decline"))
    @action(detail=True, methods=["post"])
    @idempotent
    def sync(self, request, pk=None):
        data = self._payload(SyncSerializer, request)
        return self._transition(
            request,
            services.resource_sync,
            accept=data.get("accept"),
            decline=data.get("decline", False),
            to_version=data.get("to_version"),
        )


# ---- review-by dates (待复核): the libraries whose entry says ``review`` -----------------------


class RereviewSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[("confirm", _("Confirm it is current")), ("draft", _("Send back to draft"))],
        help_text=_("confirm: a new review-by date; draft: back to draft for rework."),
    )
    review_by = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_(
            "When confirming: the new review-by date (after today); omitted, today plus the "
            "library's interval."
        ),
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ReviewRecordSerializer(serializers.Serializer):
    """One re-review of the resource. 一次复核记录。"""

    outcome = serializers.CharField()
    old_review_by = serializers.DateField(allow_null=True)
    new_review_by = serializers.DateField(allow_null=True)
    note = serializers.CharField()
    user = serializers.CharField(source="user.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()


class ReviewActionsMixin:
    """复核 on the API of a library whose items carry a review-by date (cases, courses)."""

    @extend_schema(request=RereviewSerializer, parameters=[IF_MATCH], summary=_("Re-review"))
    @action(detail=True, methods=["post"])
    @idempotent
    def rereview(self, request, pk=None):
        data = self._payload(RereviewSerializer, request)
        return self._transition(
            request,
            services.resource_rereview,
            outcome=data["outcome"],
            review_by=data.get("review_by"),
            note=data.get("note", ""),
        )

    @extend_schema(responses=ReviewRecordSerializer(many=True), summary=_("Re-reviews"))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def reviews(self, request, pk=None):
        obj = self.get_object()
        return Response(ReviewRecordSerializer(review.records_for(obj), many=True).data)


# ---- the schema of a library -----------------------------------------------------------------


class TransitionOutcomeSerializer(serializers.Serializer):
    """What a decision answers when its result left your sight: only id, status and version.
    决定之后资源已不在您的可见范围内时的响应：只有 id、status、version。"""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Status.choices)
    version = serializers.IntegerField()


class TransitionOutcomeSchema(OpenApiSerializerExtension):
    """Closed (no other properties), so that ``oneOf`` with the full item stays unambiguous."""

    target_class = TransitionOutcomeSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "additionalProperties": False}


DECISION = (
    "成功时返回资源本身；如果决定之后它已不在您的可见范围内（例如退回或撤回后只有所属单位"
    "可见），只返回 id、status、version。"
    " The resource; or only its id, status and version when the decision took it out of"
    " your sight (a rejected or withdrawn item is visible to its owner only)."
)


def _decision(item: type[serializers.Serializer]) -> OpenApiResponse:
    """What reject and withdraw answer: the item, or only its outcome once out of sight."""
    decided = PolymorphicProxySerializer(
        component_name=f"{item.Meta.model.__name__}Decision",
        serializers=[item, TransitionOutcomeSerializer],
        resource_type_field_name=None,
    )
    return OpenApiResponse(decided, description=DECISION)


def _reading(item: type[serializers.Serializer]) -> dict:
    """List, read one, and where it is reused."""
    return {
        "list": endpoint(
            400,
            404,
            responses={200: item(many=True)},
            description=(
                "您可见的条目，按游标分页（next/previous）。筛选值无效时 400，游标无效时 404。"
                " The items you may see, in cursor pages. An invalid filter answers 400, an"
                " invalid cursor 404."
            ),
        ),
        "retrieve": endpoint(404, etag=True, responses={200: item}),
        "reuses": endpoint(404, responses={200: ReuseRecordSerializer(many=True)}),
        "versions": endpoint(
            404,
            responses={200: PublishedVersionSerializer(many=True)},
            description=(
                "该资源的已发布版本，最新在前。看不到该资源时 404。"
                " The resource's published versions, newest first; 404 when out of your sight."
            ),
        ),
        "version": endpoint(
            404,
            responses={200: PublishedVersionContentSerializer},
            # The path reads like the list's ("…/versions/{number}/"): name it apart.
            operation_id=f"v1_{item.Meta.model._meta.model_name}_version_retrieve",
            description=(
                "某一已发布版本当时的内容。版本号不存在时 404。"
                " The content of one published version as kept; 404 for an unknown number."
            ),
        ),
        "source_diff": endpoint(
            404,
            responses={200: SourceDiffSerializer},
            description=(
                "复用副本与来源逐字段三方对比：复用时的版本（base）、来源最新发布版本（upstream）、"
                "副本现值（local）。不是副本，或来源已不在您的可见范围内时 404。"
                " A copy against its source, per field: the version it came from (base), the"
                " source's newest published version (upstream) and the copy now (local). 404"
                " when it is not a copy or its source is out of your sight."
            ),
        ),
    }


def _editing(item: type[serializers.Serializer]) -> dict:
    """Create a draft, edit it, delete it."""
    return {
        "create": endpoint(403, idempotent=True, etag=True, responses={201: item}),
        "partial_update": endpoint(
            400, 403, 404, 409, if_match=True, etag=True, responses={200: item}
        ),
        "destroy": endpoint(403, 404, 409, if_match=True, responses={204: None}),
    }


def _workflow(item: type[serializers.Serializer]) -> dict:
    """Submit, publish, reject, withdraw and reuse: the sharing workflow's named actions."""
    decision = {200: _decision(item)}
    action = {"if_match": True, "idempotent": True, "etag": True}
    return {
        "submit": endpoint(
            400,
            403,
            404,
            409,
            **action,
            responses={200: item},
            examples=[OpenApiExample("network", {"scope": "network"}, summary="全市共享 Network")],
        ),
        "publish": endpoint(
            400,
            403,
            404,
            409,
            **action,
            responses={200: item},
            examples=[
                OpenApiExample("district", {"scope": "district"}, summary="区内共享 District")
            ],
        ),
        "reject": endpoint(
            400,
            403,
            404,
            409,
            **action,
            responses=decision,
            examples=[
                OpenApiExample(
                    "reason",
                    {"reason": "请补充 2025 年的办件数据和讨论题。"},
                    summary="退回理由 A reason",
                )
            ],
        ),
        "withdraw": endpoint(403, 404, 409, **action, responses=decision),
        "recommend": endpoint(
            400,
            403,
            404,
            409,
            **action,
            responses={200: item},
            description=(
                "向上推荐：区级党校的审核员把下属学校已在本区共享的资源推荐给全市，须附推荐理由"
                "（note）。资源仍在本区共享，进入市级审核队列；市级审核员以全市范围发布即采纳，"
                "资源同时记录来源学校与推荐单位。不是该区审核员 403；未在本区发布、已全市共享或"
                "已推荐 409；缺少理由 400（errors.note）。"
                " A district curator recommends a resource of a school below, published to the"
                " district, to the city, with a note. It stays published to the district and"
                " waits in the municipal review queue; publishing it at network scope accepts it,"
                " and it then credits both the owner and the recommending district. 403 for"
                " anyone but a curator of a district above the owner; 409 when it is not"
                " published to its district, already city-wide or already recommended; 400"
                " naming note when the note is empty."
            ),
            examples=[
                OpenApiExample(
                    "note",
                    {"note": "区内 12 所学校复用，学员评价 4.8 分，建议全市共享。"},
                    summary="推荐理由 A note",
                )
            ],
        ),
        "decline_recommendation": endpoint(
            400,
            403,
            404,
            409,
            **action,
            responses={200: item},
            description=(
                "市级审核员不采纳某区的推荐并说明理由：资源仍在本区共享，推荐标记清除，推荐单位"
                "的审核员收到通知。"
                " A municipal curator declines a district's recommendation with a reason: the"
                " resource stays published to its district, the mark is cleared and the"
                " district's curators are told why."
            ),
        ),
        "sync": endpoint(
            400,
            403,
            404,
            409,
            **action,
            responses={200: item},
            description=(
                "从来源最新发布版本中采纳所列字段（accept），其余字段保留副本现值；或暂不采纳"
                "（decline），直到来源发布更新的版本。只有能编辑该副本的人可以操作（否则 403）。"
                "不是副本、来源已不可见或没有更新的版本时 409；字段名无效时 400（errors.accept）。"
                "传 to_version（所对比的来源版本）时，若来源此后又发布了其他版本，则不作任何修改并"
                "返回 409，请重新查看对比。"
                " Take the named fields from the source's newest published version (accept),"
                " keeping every other field as the copy has it; or decline that version until a"
                " newer one. Only who may edit the copy (else 403). 409 when it is not a copy,"
                " its source is out of your sight or has no newer version; 400 naming accept"
                " for unknown fields. With to_version (the source version you compared with),"
                " 409 and nothing changed when the source has published another since: read the"
                " diff again."
            ),
            examples=[
                OpenApiExample(
                    "accept",
                    {"accept": ["outline"], "to_version": 5},
                    summary="采纳大纲 Take",
                ),
                OpenApiExample("decline", {"decline": True}, summary="暂不采纳 Decline"),
            ],
        ),
        "reuse": endpoint(
            400,
            403,
            404,
            409,
            idempotent=True,
            etag=True,
            responses={
                201: OpenApiResponse(item, description=_("The new draft copy.")),
                200: OpenApiResponse(
                    item,
                    description=_(
                        "You reused this version into this school before: the copy you made "
                        "then. Nothing new was made."
                    ),
                ),
            },
            examples=[
                OpenApiExample(
                    "town", {"owner": "440604010"}, summary="复用到祖庙街道党校 Into a town school"
                )
            ],
        ),
    }


def library_schema(item: type[serializers.Serializer], **overrides: dict):
    """The schema of one library's viewset: the endpoints it inherits from
    ``SharedResourceViewSet``, answering with ``item``, with their headers and problems.

    ``overrides`` add ``extend_schema`` arguments per action (e.g. ``create={"examples": …}``).
    The actions the API layer composes in (export/import, attachments, history) and the
    library's own (lifecycle) document themselves.
    """
    actions = {**_reading(item), **_editing(item), **_workflow(item)}

    def decorate(view):
        # The review actions only where the library has them (``ReviewActionsMixin``).
        present = {
            name: decorator
            for name, decorator in {**actions, **_review(item)}.items()
            if name in actions or hasattr(view, name)
        }
        return extend_schema_view(
            **{
                name: [decorator, extend_schema(**overrides[name])]
                if name in overrides
                else decorator
                for name, decorator in present.items()
            }
        )(view)

    return decorate


def _review(item: type[serializers.Serializer]) -> dict:
    """复核 and its records (cases and courses: ``ReviewActionsMixin``)."""
    return {
        "rereview": endpoint(
            400,
            403,
            404,
            409,
            if_match=True,
            idempotent=True,
            etag=True,
            responses={200: _decision(item)},
            description=(
                "复核：确认仍然有效（confirm，给出新的复核日期，或默认今天加上本库的复核周期），"
                "或退回草稿（draft）重新修改。只有所属单位或受众单位的管理员可以操作（否则 403）；"
                "只能复核已发布的资源（否则 409）。日期不在今天之后时 400（errors.review_by）。"
                " Confirm it is current (a new review-by date: the one given, after today, or"
                " today plus the library's interval) or send it back to draft. Curators of the"
                " owner or the audience only (else 403); published resources only (else 409);"
                " 400 naming review_by for a date not after today."
            ),
            examples=[
                OpenApiExample(
                    "confirm",
                    {"outcome": "confirm", "review_by": "2027-06-30", "note": "数据已更新"},
                    summary="确认 Confirm",
                ),
                OpenApiExample("draft", {"outcome": "draft", "note": "政策已调整"}, summary="退回"),
            ],
        ),
        "reviews": endpoint(404, responses={200: ReviewRecordSerializer(many=True)}),
    }
