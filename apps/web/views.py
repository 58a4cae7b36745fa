"""Server-rendered pages: home, each library's list and detail, forms, actions, review queue.

Every page reads through ``restrict`` and writes through ``apps.sharing.services``,
exactly like the API; refusals become messages beside the form, never a lost input.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.actor import actor_for
from apps.attachments.services import attachable, attachment_add, attachments_of
from apps.audit.access import page_history
from apps.organizations.models import OrganizationKind
from apps.sharing import content_version, list_cache, services
from apps.sharing import review as review_dates
from apps.sharing.choices import Scope, Status
from apps.sharing.exceptions import ActionDenied, ResourceNotFound, SharingError
from apps.sharing.policy import policy
from apps.sharing.registry import get_library, libraries, linked_models

from . import evaluations
from . import versions as versions_page
from .call_answer import answer_part
from .context import SESSION_KEY, current_seat
from .facets import facet_counts
from .forms import ReasonForm, ReuseForm, ScopeForm, owner_field, resource_form_class

PAGE_SIZE = 20
SORTS = {
    "new": ("-id",),
    "updated": ("-updated_at", "-id"),
    "title": ("title", "id"),
    "reused": ("-reuse_count", "-id"),
}


def _library(key):
    try:
        return get_library(key)
    except KeyError:
        raise Http404 from None


def home(request):
    if not request.user.is_authenticated:
        return render(request, "web/home.html", {})
    latest, drafts, queue = [], [], []
    for library in libraries():
        visible = library.model.objects.restrict(request.user, "view").select_related("owner")
        latest += [
            (library, obj)
            for obj in visible.filter(status=Status.PUBLISHED).order_by("-published_at", "-id")[:5]
        ]
        drafts += [
            (library, obj)
            for obj in visible.filter(author=request.user)
            .exclude(status=Status.PUBLISHED)
            .order_by("-updated_at")[:5]
        ]
        queue += [
            (library, obj)
            for obj in library.model.objects.restrict(request.user, "review")
            .select_related("owner")
            .order_by("submitted_at")[:5]
        ]
    latest.sort(key=lambda pair: pair[1].published_at or pair[1].created_at, reverse=True)
    return render(
        request,
        "web/home.html",
        {"latest": latest[:12], "drafts": drafts, "review_queue": queue},
    )


@login_required
@require_POST
def switch_school(request):
    code = request.POST.get("org", "")
    if actor_for(request.user).seat_for(code):
        request.session[SESSION_KEY] = code
    return _back_to(request, request.POST.get("next", ""))


def _back_to(request, target: str):
    """Back to ``target`` when it is a path on this site; else home (never another site)."""
    safe = (
        target.startswith("/")
        and not any(c.isspace() or not c.isprintable() for c in target)
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )
    return HttpResponseRedirect(target) if safe else redirect("web:home")


def search(request):
    """The home page's search box: go to the chosen library's list with the query."""
    key = request.GET.get("library", "courses")
    library = _library(key)
    return redirect(
        f"{reverse('web:list', args=[library.key])}?{urlencode({'q': request.GET.get('q', '')})}"
    )


# ---- lists ---------------------------------------------------------------------------------


def _facet_links(request, name, values):
    """Each facet value with its count and a link that toggles it on or off."""
    chosen = request.GET.get(name)
    links = []
    for code, label, n in values:
        params = request.GET.copy()
        params.pop("page", None)
        selected = chosen is not None and str(code) == chosen
        if selected:
            params.pop(name, None)
        else:
            params[name] = code
        links.append(
            {"label": label, "n": n, "selected": selected, "url": f"?{params.urlencode()}"}
        )
    return links


def _facets(library, counts, request):
    """The facets of the list page from ``facets.facet_counts``, with labels and links."""
    choice_labels = {
        "scope": dict(Scope.choices),
        "status": dict(Status.choices),
        "tier": dict(OrganizationKind.choices),
    }
    facets = []
    labels_of = {facet.name: facet.label for facet in library.facets}
    for name in [*library.facet_names, "tier"]:
        rows = counts["facets"].get(name)
        if rows is None:
            continue
        labels = choice_labels.get(name)
        if labels is None and name != "tier" and any(label is None for _c, label, _n in rows):
            labels = dict(library.model._meta.get_field(name).choices)
        values = [
            (code, label if label is not None else labels.get(code, code), n)
            for code, label, n in rows
        ]
        label = _("Owning tier") if name == "tier" else labels_of.get(name) or name
        facets.append({"name": name, "label": label, "values": _facet_links(request, name, values)})
    return facets


class CountedPaginator(Paginator):
    """A paginator told its count (from the facet cache) instead of running COUNT(*)."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def library_list(request, key):
    """A library's list page. Its body (search form, facets, results, pager) is the same for
    every reader with the same seats, so it is cached per audience (apps.sharing.list_cache);
    only the frame around it (who is signed in, the school switcher) is rendered each time."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('web:login')}?next={request.path}")
    library = _library(key)
    actor = actor_for(request.user)
    version = content_version.current(actor, library.key) if list_cache.enabled() else None
    parts = (request.get_full_path(), get_language())
    body = list_cache.get_or_compute(
        f"page:{library.key}",
        actor,
        parts,
        lambda: _list_body(request, library, actor, version),
        library=library.key,
        version=version,
        cacheable=list_cache.known_parameters(
            request, {*library.filterset.base_filters, "page", "sort", "tier"}
        ),
    )
    return render(
        request,
        "web/library_list.html",
        {"library": library, "body": mark_safe(body)},  # rendered from _list_body.html
    )


def _list_body(request, library, actor, version) -> str:
    base = library.model.objects.restrict(request.user, "view")
    filterset = library.filterset(request.GET or None, queryset=base, request=request)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    tier = request.GET.get("tier")
    if tier in OrganizationKind.values:
        queryset = queryset.filter(owner__kind=tier)
    sort = request.GET.get("sort", "new")
    ordered = queryset.order_by(*SORTS.get(sort, SORTS["new"]))
    searchable = filterset.is_bound and "q" not in filterset.errors  # else shown beside the box
    if request.GET.get("q") and sort == "new" and searchable and hasattr(queryset, "search_ranked"):
        ordered = queryset.search_ranked(request.GET["q"])
    counts = facet_counts(library, queryset, actor, request.GET, version=version)
    page = CountedPaginator(
        ordered.select_related("owner").prefetch_related("domains"), PAGE_SIZE, counts["total"]
    ).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    facets = _facets(library, counts, request)
    review_links = _review_links(request) if library.review else []
    context = {
        "library": library,
        "filterset": filterset,
        "facets": facets,
        "review_links": review_links,
        "chips": _chips(request, facets)
        + [{"label": link["chip"], "url": link["url"]} for link in review_links if link["on"]],
        "page": page,
        "total": counts["total"],
        "q": request.GET.get("q", ""),
        "sort": sort,
        "sorts": [
            ("new", _("Newest")),
            ("updated", _("Recently updated")),
            ("title", _("Title")),
            ("reused", _("Most reused")),
        ],
        "query": params.urlencode(),
        "active": {k: v for k, v in request.GET.items() if k not in ("page", "sort")},
        "other_params": [(k, v) for k, v in request.GET.items() if k not in ("page", "q")],
        "can_create": bool(actor.seats),
    }
    # No request: nothing personal (no CSRF token, no user) can enter the cached body.
    return render_to_string("web/_list_body.html", context)


def _review_links(request) -> list[dict]:
    """The 待复核 filter of a reviewable library's list (``?overdue=``): each choice with a link
    that toggles it (no count: it would cost a query more per page)."""
    links = []
    current = request.GET.get("overdue")
    for value, label in (("true", _("Overdue for review")), ("false", _("Current"))):
        params = request.GET.copy()
        params.pop("page", None)
        on = current == value
        if on:
            params.pop("overdue")
        else:
            params["overdue"] = value
        chip = f"{_('Review')}：{label}"
        links.append({"label": label, "url": f"?{params.urlencode()}", "on": on, "chip": chip})
    return links


def _chips(request, facets):
    """The filters in force, in words, each with a link that removes it."""
    chips = []
    for facet in facets:
        for value in facet["values"]:
            if value["selected"]:
                chips.append({"label": f"{facet['label']}：{value['label']}", "url": value["url"]})
    for name in ("q", "owner", "within"):
        if request.GET.get(name):
            params = request.GET.copy()
            params.pop(name)
            params.pop("page", None)
            label = {"q": _("Search"), "owner": _("Owner"), "within": _("Within")}[name]
            chips.append(
                {"label": f"{label}：{request.GET[name]}", "url": f"?{params.urlencode()}"}
            )
    return chips


# ---- detail --------------------------------------------------------------------------------


def _get_visible(library, user, pk):
    try:
        return (
            library.model.objects.restrict(user, "view")
            .select_related("owner", "author", "audience", "source", "recommended_by")
            .get(pk=pk)
        )
    except (library.model.DoesNotExist, ValueError):
        raise Http404 from None


def library_detail(request, key, pk, bound=None):
    """A resource's page. ``bound``: a library page action's form refused on POST
    (``library_action``), shown again with its errors and the input kept."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('web:login')}?next={request.path}")
    library = _library(key)
    obj = _get_visible(library, request.user, pk)
    actor = actor_for(request.user)
    actions = policy.allowed_actions(actor, obj)
    # The scopes a submitter may ask for, each saying who will see it (read only if offered).
    submit_owner = obj.owner if "submit" in actions else None
    publish_scopes, publish_blocked = _held_back(obj, policy.publish_choices(actor, obj))
    context = {
        "library": library,
        "obj": obj,
        "actions": actions,
        "source_visible": obj.source_id
        and library.model.objects.restrict(request.user, "view").filter(pk=obj.source_id).exists(),
        "reuses": services.reuse_records_for(obj),
        "scope_form": ScopeForm(initial={"scope": obj.scope}, owner=submit_owner),
        "publish_scopes": publish_scopes,
        "publish_blocked": publish_blocked,
        "reason_form": ReasonForm(),
        "reuse_form": ReuseForm(user=request.user, initial={"owner": _current_org_id(request)}),
        "history": page_history(request.user, obj),
    }
    if attachable(library.model):
        context["attachments"] = attachments_of(obj)
        context["can_attach"] = "edit" in context["actions"]
    # The library's own section: its links to other libraries (only what the reader may
    # see) and whatever else the library says its section needs.
    for name, related in linked_models(library.model):
        visible = related.objects.restrict(request.user, "view").values("pk")
        context[name] = getattr(obj, name).filter(pk__in=visible)
    if library.detail_context is not None:
        context.update(library.detail_context(obj, user=request.user, actor=actor))
    context["page_actions"] = _page_action_forms(library, obj, actor, bound or {})
    # 待复核: the review-by date and the re-reviews made (cases and courses).
    context["review_records"] = review_dates.records_for(obj) if library.review else ()
    # Published versions, a copy's update notice, the copies behind (apps.web.versions).
    context.update(
        versions_page.detail_context(library, obj, request.user, context["source_visible"])
    )
    context["reuses"] = versions_page.mark_reuses_behind(obj, context["reuses"])
    # Where a course or lecturer was taught and how trainees rated it; a site's calendar.
    context.update(evaluations.taught_context(obj, request.user))
    return render(request, "web/library_detail.html", context)


def _held_back(obj, choices: list) -> tuple[list, str]:
    """The publish choices the library's own rule allows now (``sharing_conflict``: a site not
    yet admitted), and, when it allows none of them, all of them with its reason: the button is
    then shown disabled, saying why."""
    reasons = [obj.sharing_conflict("publish", scope) for scope, _label in choices]
    allowed = [choice for choice, reason in zip(choices, reasons, strict=True) if not reason]
    if allowed or not choices:
        return allowed, ""
    return choices, reasons[0]


def _page_action_forms(library, obj, actor, bound) -> list[dict]:
    """The library's own actions this reader is offered, each with its form (a refused one
    bound, with its errors)."""
    return [
        {"action": page_action, "form": bound.get(page_action.name) or page_action.form(obj)}
        for page_action in library.page_actions
        if page_action.name in bound or page_action.offered(obj, actor=actor)
    ]


def _current_org_id(request):
    seat = current_seat(request)
    return seat.org_id if seat else None


# ---- create and edit -----------------------------------------------------------------------


def _apply_errors(form, exc: SharingError, parts=()) -> None:
    errors = dict(exc.errors or {})
    for part in parts:  # each part shows its own errors beside its fields
        errors = part.take_errors(errors)
    for field, field_errors in errors.items():
        name = field if field in form.fields else None
        for message in field_errors:
            form.add_error(name, message)
    if not exc.errors:
        form.add_error(None, str(exc.message))


def _form_parts(library, request, obj=None) -> list:
    """The library's parts of its page form for this user (``Library.form_parts``)."""
    data = request.POST if request.method == "POST" else None
    actor = actor_for(request.user)
    built = (
        build(data=data, obj=obj, user=request.user, actor=actor) for build in library.form_parts
    )
    return [part for part in built if part is not None]


def _valid(form, parts) -> bool:
    """The form and every part validated (all of them, so every error shows at once)."""
    return all([form.is_valid(), *(part.is_valid() for part in parts)])


def _content(form, parts) -> dict:
    data = form.content()
    for part in parts:
        data.update(part.content())
    return data


def _saved_message(obj) -> str:
    if obj.status == Status.PENDING:  # the library sent it straight to review
        return _("Saved and submitted for review by %(org)s.") % {"org": obj.audience.name}
    return _("Draft saved.")


@login_required
def library_create(request, key):
    library = _library(key)
    form_class = resource_form_class(library.model)
    form = form_class(request.POST or None, user=request.user)
    form.fields["owner"] = owner_field(request.user)
    form.fields["owner"].initial = _current_org_id(request)
    form.order_fields(["owner", "title"])
    parts = _form_parts(library, request)
    answering = answer_part(library, request)  # ?call=: the new item answers a call (征集)
    if answering is not None:
        parts.append(answering)
    if request.method == "POST" and _valid(form, parts):
        try:
            with transaction.atomic():  # the item and its answer, or neither
                obj = services.resource_create(
                    library.model,
                    user=request.user,
                    owner_code=form.cleaned_data["owner"].code,
                    data=_content(form, parts),
                )
                if answering is not None:
                    answering.record(obj, user=request.user)
        except SharingError as exc:
            _apply_errors(form, exc, parts)
        else:
            messages.success(request, _saved_message(obj))
            return redirect("web:detail", key=key, pk=obj.pk)
    context = {
        "library": library,
        "form": form,
        "parts": parts,
        "straight_to_review": _straight_to_review(library, form.fields["owner"].queryset),
    }
    return render(request, "web/library_form.html", context)


def _straight_to_review(library, owners) -> list[str]:
    """The offered owners whose new resources the library sends straight to review (a
    department's case), so the form can say so before anything is saved."""
    return [
        owner.name for owner in owners if library.model(owner=owner).submit_on_create() is not None
    ]


@login_required
def library_edit(request, key, pk):
    library = _library(key)
    obj = _get_visible(library, request.user, pk)
    form_class = resource_form_class(library.model)
    parts = _form_parts(library, request, obj)
    if request.method == "POST":
        form = form_class(request.POST, instance=obj, user=request.user)
        if _valid(form, parts):
            try:
                services.resource_update(
                    library.model,
                    user=request.user,
                    pk=obj.pk,
                    data=_content(form, parts),
                    expected_version=form.cleaned_data.get("version"),
                )
            except services.VersionMismatch:
                form.add_error(
                    None,
                    _(
                        "Someone else saved this resource while you were editing. Your changes are "
                        "kept below; open the resource in a new tab to compare, then save again."
                    ),
                )
                form.data = form.data.copy()
                form.data["version"] = library.model.objects.get(pk=obj.pk).version
            except SharingError as exc:
                _apply_errors(form, exc, parts)
            else:
                messages.success(request, _("Saved."))
                return redirect("web:detail", key=key, pk=obj.pk)
    else:
        form = form_class(instance=obj, user=request.user, initial={"version": obj.version})
    context = {"library": library, "form": form, "obj": obj, "parts": parts}
    return render(request, "web/library_form.html", context)


# ---- workflow actions ----------------------------------------------------------------------

ACTION_LABELS = {
    "submit": gettext_lazy("Submitted for review."),
    "publish": gettext_lazy("Published."),
    "reject": gettext_lazy("Rejected; the author can see your reason."),
    "withdraw": gettext_lazy("Withdrawn."),
    "recommend": gettext_lazy("Recommended to the city; it waits in the municipal review queue."),
    "decline_recommendation": gettext_lazy("Recommendation declined; the district is told why."),
    "delete": gettext_lazy("Deleted."),
    "attach": gettext_lazy("File attached."),
}


@login_required
def library_action(request, key, pk, action):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    library = _library(key)
    model = library.model
    user = request.user
    try:
        if action in ("submit", "publish"):
            form = ScopeForm(request.POST)
            if not form.is_valid():
                raise services.InvalidInput(errors={"scope": [_("Choose a scope.")]})
            service = services.resource_submit if action == "submit" else services.resource_publish
            service(model, user=user, pk=pk, scope=form.cleaned_data["scope"])
        elif action == "reject":
            services.resource_reject(model, user=user, pk=pk, reason=request.POST.get("reason", ""))
        elif action == "withdraw":
            services.resource_withdraw(model, user=user, pk=pk)
        elif action == "recommend":
            services.resource_recommend(model, user=user, pk=pk, note=request.POST.get("note", ""))
        elif action == "decline_recommendation":
            services.resource_decline_recommendation(
                model, user=user, pk=pk, reason=request.POST.get("reason", "")
            )
        elif action == "attach":
            attachment_add(model, user=user, pk=pk, upload=request.FILES.get("file"))
        elif action == "delete":
            services.resource_delete(model, user=user, pk=pk)
            messages.success(request, ACTION_LABELS["delete"])
            return redirect("web:list", key=key)
        elif (page_action := library.page_action(action)) is not None:
            return _page_action(request, library, page_action, pk)
        elif action == "reuse":
            form = ReuseForm(request.POST, user=user)
            if not form.is_valid():
                raise services.InvalidInput(errors={"owner": [_("Choose a school.")]})
            copy = services.resource_reuse(
                model, user=user, pk=pk, target_code=form.cleaned_data["owner"].code
            )
            messages.success(
                request, _("Reused: this is your school's own draft copy; edit it as you need.")
            )
            return redirect("web:detail", key=key, pk=copy.pk)
        else:
            raise Http404
    except ResourceNotFound:
        raise Http404 from None
    except SharingError as exc:
        details = "; ".join(m for errors in exc.errors.values() for m in errors)
        messages.error(request, f"{exc.message} {details}".strip())
        return redirect("web:detail", key=key, pk=pk)
    messages.success(request, ACTION_LABELS[action])
    if model.objects.restrict(user, "view").filter(pk=pk).exists():
        return redirect("web:detail", key=key, pk=pk)
    return redirect("web:review")


def _page_action(request, library, page_action, pk):
    """A library's own action (``Library.page_actions``): done, or its form shown again on the
    detail page with the errors beside it and the input kept."""
    obj = _get_visible(library, request.user, pk)
    form = page_action.form(obj, data=request.POST)
    if form.is_valid():
        try:
            done = page_action.perform(obj, form, user=request.user)
        except (ResourceNotFound, ActionDenied):
            raise  # answered as for every other action: 404, or a message
        except SharingError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, done)
            if request.POST.get("back") == "review":  # made from the review queue
                return redirect("web:review")
            return redirect("web:detail", key=library.key, pk=pk)
    return library_detail(request, library.key, pk, bound={page_action.name: form})


# ---- review queue --------------------------------------------------------------------------


@login_required
def review_queue(request):
    """What waits for this user's decision: from their teachers, schools below, departments."""
    actor = actor_for(request.user)
    groups = []
    for library in libraries():
        items = list(
            library.model.objects.restrict(request.user, "review")
            .select_related("owner", "author", "audience", "recommended_by", "recommended_by_user")
            .order_by("submitted_at", "id")
        )
        for obj in items:
            obj.approve_scopes = policy.publish_choices(actor, obj)
            # 向上推荐: a district's recommendation, beside the submissions (accept = publish
            # city-wide; or decline with a reason).
            obj.is_recommendation = policy.is_recommendation_waiting(obj)
            # The library's own rule may hold publishing back (a site not yet admitted): the
            # button is shown disabled, with the reason, beside the library's own actions.
            obj.approve_scopes, obj.publish_blocked = _held_back(obj, obj.approve_scopes)
            obj.page_actions = _page_action_forms(library, obj, actor, {})
            for page_action in obj.page_actions:  # one form per item: ids kept apart
                page_action["form"].auto_id = f"id_{library.key}_{obj.pk}_%s"
        groups.append((library, items))
    return render(
        request,
        "web/review_queue.html",
        {"groups": groups},
    )
