"""The sharing core: fields and queries that every library's resources share."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization
from apps.search import query as search_query
from apps.search.indexing import SEARCH_COLUMNS, fill_search_columns, source_fields

from .choices import Scope, Status


class SharedResourceQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> SharedResourceQuerySet:
        """Exactly the resources ``user`` may ``action``; the one read path of the project.

        ``view``: everything the user may open. ``review``: pending submissions
        waiting for the user's decision. ``reuse``: published resources the user
        can see and copy into one of their schools.
        """
        from .policy import policy

        queryset = self.filter(policy.filter_for(user, action))
        if action == "reuse":
            queryset = queryset.filter(self.model.reusable_q())
        return queryset

    def with_sharing_relations(self) -> SharedResourceQuerySet:
        return self.select_related("owner", "author", "audience", "recommended_by")

    def search(self, q: str) -> SharedResourceQuerySet:
        """The resources matching ``q`` (Chinese full-text search, ``apps.search``)."""
        return search_query.search(self, q)

    def search_ranked(self, q: str) -> SharedResourceQuerySet:
        """``search`` with ``search_rank`` and title matches first (then newest)."""
        return search_query.search_ranked(self, q)


class SharedResource(models.Model):
    """Abstract base of every shared resource: owner, author, status, scope, version, source.

    ``audience`` is derived from ``scope`` and ``owner`` whenever the scope is
    set: the organisation whose subtree the resource is (or would be) open to.
    It is stored so that "what may this user see" is one indexed filter.
    """

    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        Organization,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_owned",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_authored",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    scope = models.CharField(
        _("scope"), max_length=16, choices=Scope.choices, default=Scope.PRIVATE
    )
    audience = models.ForeignKey(
        Organization,
        verbose_name=_("audience"),
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_audience",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    source = models.ForeignKey(
        "self",
        verbose_name=_("reused from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    source_version = models.PositiveIntegerField(_("source version"), null=True, blank=True)
    # The newest version of this resource kept as published (``PublishedVersion``): what its
    # copies compare their ``source_version`` with. Set by the services only.
    published_version = models.PositiveIntegerField(
        _("newest published version"), null=True, blank=True, editable=False
    )
    # A copy whose owner declined its source's version N keeps quiet until N + 1 or later.
    source_declined_version = models.PositiveIntegerField(
        _("declined source version"), null=True, blank=True, editable=False
    )
    reuse_count = models.PositiveIntegerField(_("times reused"), default=0)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    first_published_at = models.DateTimeField(_("first published at"), null=True, blank=True)
    # 向上推荐: a district's curator recommends a town's published resource to the city. The
    # recommending district stays recorded once the city publishes it: the second credit,
    # beside the owner's. Set by the services only.
    recommended_by = models.ForeignKey(
        Organization,
        verbose_name=_("recommended by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_recommended",
        editable=False,
    )
    recommended_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recommending curator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    recommended_at = models.DateTimeField(
        _("recommended at"), null=True, blank=True, editable=False
    )
    recommendation_note = models.TextField(_("recommendation note"), blank=True, editable=False)
    # 待复核: the date by which the content must be reviewed again (cases and courses; see the
    # library's registry entry). Past it, the item is flagged and ranks lower in search.
    review_by = models.DateField(_("review by"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Full-text search tokens (apps.search), refilled by save(); not interface fields.
    search_title = models.TextField("search tokens of the title", blank=True, editable=False)
    search_body = models.TextField("search tokens of the content", blank=True, editable=False)

    objects = SharedResourceQuerySet.as_manager()

    # Each library names its own content: the fields an edit may change and a reuse copies.
    # EXTRA_CONTENT names inputs the library stores itself (``set_extra`` / ``copy_extra_to``).
    CONTENT_FIELDS: tuple[str, ...] = ("title",)
    CONTENT_M2M: tuple[str, ...] = ()
    EXTRA_CONTENT: tuple[str, ...] = ()
    NOT_COPIED_ON_REUSE: tuple[str, ...] = ()  # content that stays with the original owner
    EXTRA_LABELS: dict[str, str] = {}  # how pages and diffs name each EXTRA_CONTENT input
    # For a kept EXTRA_CONTENT value that is a list of items naming resources of another
    # library: name → (the item's key holding the id, "app_label.Model"). Versions and diffs
    # leave out the items whose resource the reader may not see, as they do with links.
    EXTRA_REFERENCES: dict[str, tuple[str, str]] = {}
    # The text fields besides the title that search looks in (see apps.search.indexing).
    SEARCH_TEXT_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "audience"], name="%(class)s_st_aud"),
            models.Index(fields=["owner", "status"], name="%(class)s_own_st"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        """Save, refilling the search columns when the indexed text may have changed.

        ``update()``, ``bulk_create()`` and raw fixture loads bypass this: see
        ``apps.search.indexing`` (``fill_search_columns``, ``manage.py reindex_search``).
        """
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            fill_search_columns(self)
        elif set(source_fields(type(self))).intersection(update_fields):
            fill_search_columns(self)
            kwargs["update_fields"] = {*update_fields, *SEARCH_COLUMNS}
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        """Loaded as stored; remembers who could see it, so that a change moving it raises
        the cached lists it leaves as well as those it joins (``content_version``)."""
        from .policy import reach

        instance = super().from_db(db, field_names, values)
        loaded = instance.__dict__
        if {"owner_id", "audience_id", "status", "scope"} <= loaded.keys():
            instance._cache_origin = (
                loaded["owner_id"],
                *reach(loaded["status"], loaded["scope"], loaded["audience_id"]),
            )
        return instance

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    @property
    def overdue(self) -> bool:
        """待复核: its review-by date has passed (local date, ``TIME_ZONE``)."""
        return self.review_by is not None and self.review_by < timezone.localdate()

    @classmethod
    def overdue_q(cls) -> models.Q:
        """The resources whose review-by date has passed (today in ``TIME_ZONE``)."""
        return models.Q(review_by__lt=timezone.localdate())

    @classmethod
    def search_demoted_q(cls) -> models.Q:
        """What ranks after the rest within a search relevance tier (``apps.search.query``):
        overdue items."""
        return cls.overdue_q()

    def missing_for_submission(self) -> dict[str, list[str]]:
        """Field → messages for what must be filled in before the resource can be reviewed."""
        errors: dict[str, list[str]] = {}
        if not self.title.strip():
            errors["title"] = [str(_("This field is required."))]
        return errors

    # ---- library hooks: the sharing services call these; libraries override what they need

    def sharing_conflict(self, action: str, scope: str | None = None) -> str | None:
        """A library's own reason why ``action`` cannot happen now (answered as 409)."""
        return None

    @classmethod
    def reusable_q(cls) -> models.Q:
        """Extra condition a published resource must meet to be offered for reuse."""
        return models.Q()

    def submit_on_create(self) -> str | None:
        """The scope at which a new resource goes straight to review, or None for a draft.

        ``sharing.services.resource_create`` asks after saving the new row and submits it
        in the same transaction, whichever entry point created it (a partner department's
        case: network).
        """
        return None

    def uniqueness_errors(self) -> dict[str, list[str]]:
        """Field → messages, asked after the database refused to save ``self`` for breaking
        one of the library's uniqueness constraints. Empty: not an input problem (re-raised)."""
        return {}

    def set_extra(self, data: dict, *, user) -> None:
        """Store the library's EXTRA_CONTENT inputs after the row is saved."""

    def extra_snapshot(self, name: str):
        """The JSON value of EXTRA_CONTENT ``name`` kept in a published version, or None when
        it is not kept (personal data: a lecturer's contact stays out of versions)."""
        return None

    def apply_extra_snapshot(self, name: str, value) -> None:
        """Write EXTRA_CONTENT ``name`` from a published version's value (a copy's sync)."""

    def copy_extra_to(self, copy: SharedResource) -> None:
        """Copy the library's own related rows into a reuse copy."""


class ReuseRecord(models.Model):
    """One reuse (复用): a school copied a published resource into its own draft.

    Kept apart from the copy so that the history of where a resource is used
    survives the copy being edited or deleted, and so that the network
    dashboard can read reuse flows across all libraries from one table.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    source_id = models.BigIntegerField(_("source"))
    source_version = models.PositiveIntegerField(_("source version"))
    source_owner = models.ForeignKey(
        Organization, verbose_name=_("publisher"), on_delete=models.PROTECT, related_name="+"
    )
    copy_id = models.BigIntegerField(_("copy"))
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("reusing school"),
        on_delete=models.PROTECT,
        related_name="reuses_made",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reused by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("reused at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reuse")
        verbose_name_plural = _("reuses")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "source_id"], name="reuse_source_idx"),
            models.Index(fields=["organization", "created_at"], name="reuse_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} ← {self.content_type.model} #{self.source_id}"

    def changed_resources(self) -> list[tuple[type, int]]:
        """The resources whose cached lists a change to this row touches (``content_version``):
        the source (its reuse count) and the copy."""
        model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        return [(model, self.source_id), (model, self.copy_id)]


class PublishedVersion(models.Model):
    """A published state of a resource, kept under its version number (发布版本).

    Written by the services whenever a resource becomes or stays published with new content
    (publish; an edit of a published resource). ``content`` holds the library's content fields,
    its links as sorted ids and its kept extras (``apps.sharing.versions``). Copies compare
    their ``source_version`` with the newest one and take fields from it (sync).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField(_("resource"))
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    content = models.JSONField(_("content"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "version"], name="published_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class ContentVersion(models.Model):
    """A number that rises with every committed change to shared content (``content_version``).

    Cached lists (the API's pages, the pages' results and facet counts) carry it in their
    key, so a change anywhere shows on the next request in every server process, without
    a shared cache. One row, read with one indexed query per cached list request.
    """

    key = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class ReviewInterval(models.Model):
    """How long a library's items stay current after publication or a confirmed re-review
    (待复核 default), set by admins per library (``Library.review``)."""

    library = models.CharField(_("library"), max_length=32, unique=True)
    months = models.PositiveSmallIntegerField(_("months until review"))

    # Used when no row names the library.
    DEFAULT_MONTHS = {"cases": 24, "courses": 36}
    FALLBACK_MONTHS = 24

    class Meta:
        verbose_name = _("review interval")
        verbose_name_plural = _("review intervals")
        ordering = ["library"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(months__gte=1) & models.Q(months__lte=120),
                name="review_interval_months_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.library}: {self.months}"

    @classmethod
    def months_for(cls, key: str) -> int:
        row = cls.objects.filter(library=key).values_list("months", flat=True).first()
        if row is not None:
            return row
        return cls.DEFAULT_MONTHS.get(key, cls.FALLBACK_MONTHS)


class ReviewRecord(models.Model):
    """One re-review (复核) of a resource: confirmed with a new date, or sent back to draft.

    Kept apart from the resource, like reuse records, so the history survives edits.
    """

    class Outcome(models.TextChoices):
        CONFIRM = "confirm", _("Confirmed current")
        DRAFT = "draft", _("Sent back to draft")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField(_("resource"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    old_review_by = models.DateField(_("previous review-by date"), null=True, blank=True)
    new_review_by = models.DateField(_("new review-by date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("re-review")
        verbose_name_plural = _("re-reviews")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="review_record_obj_idx")]

    def __str__(self) -> str:
        return f"{self.content_type.model} #{self.object_id}: {self.outcome}"


class ReviewReminder(models.Model):
    """A review reminder sent (``manage.py review_reminders``): one per resource, stage and
    review-by date, so a daily run tells nobody twice, and a new date (a confirmed re-review)
    starts afresh."""

    class Stage(models.TextChoices):
        DUE = "due", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField(_("resource"))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    review_by = models.DateField(_("review by"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "stage", "review_by"],
                name="review_reminder_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} #{self.object_id}: {self.stage} {self.review_by}"
