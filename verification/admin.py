"""Admin pages for snapshots, check runs, reviews and facts: records, read-only by design.

Verdicts, publication and retraction are workflow steps with rules (leases, four-eyes), so they
are taken through services, never by editing rows here.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from annotations.admin import ArticleAdmin, ClaimAdmin, RecordAdmin, SourceAdmin
from annotations.core.errors import TransitionError
from annotations.core.roles import PERM_PUBLISH, PERM_REVIEW, PERM_SUBMIT
from annotations.language import language_choices
from annotations.models import Article, Claim, ClaimStatus, Source
from annotations.text import percent, shorten
from verification import selectors
from verification.checks.finding_texts import text_of
from verification.checks.services import check_run_refusal, check_run_request, claim_submit
from verification.models import CheckRun, Evidence, Fact, Finding, Review, SourceSnapshot
from verification.review import admin_views, queue_views
from verification.sources.article_import import article_import_url
from verification.sources.language import snapshot_language_set
from verification.sources.services import source_add, source_retry, source_save


class SnapshotLanguageForm(forms.ModelForm):
    language = forms.ChoiceField(
        required=False,
        choices=language_choices,
        label=_("Language"),
        help_text=_(
            "Detected from the archived text; choose another if the detection is wrong (or "
            "unknown to detect it again). Checks that read only English skip other languages."
        ),
    )

    class Meta:
        model = SourceSnapshot
        fields = ("language",)


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    can_delete = False
    fields = ("rank", "snapshot", "start", "end", "score", "text")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    can_delete = False
    fields = ("position", "kind", "outcome", "sentence")
    readonly_fields = fields

    @admin.display(description=_("message"))
    def sentence(self, finding: Finding) -> str:
        return text_of(finding)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SourceSnapshot)
class SourceSnapshotAdmin(RecordAdmin):
    list_display = (
        "source",
        "fetched_at",
        "language",
        "http_status",
        "content_type",
        "size",
        "sha256",
    )
    list_filter = ("language",)
    list_select_related = ("source",)
    search_fields = ("title", "final_url", "sha256")
    form = SnapshotLanguageForm

    def get_readonly_fields(self, request, obj=None):
        # A record of what was fetched: only its language (metadata, not content) is corrected.
        return [field.name for field in SourceSnapshot._meta.fields if field.name != "language"]

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("annotations.change_source")

    def save_model(self, request, obj: SourceSnapshot, form, change: bool) -> None:
        snapshot_language_set(snapshot=obj, language=form.cleaned_data["language"])


@admin.register(CheckRun)
class CheckRunAdmin(RecordAdmin):
    list_display = (
        "claim",
        "status",
        "progress",
        "stance",
        "confidence_percent",
        "attempts",
        "created_at",
    )
    list_filter = ("status", "stance")
    list_select_related = ("claim",)
    inlines = [EvidenceInline, FindingInline]

    @admin.display(description=_("confidence"), ordering="confidence")
    def confidence_percent(self, obj: CheckRun) -> str:
        return "—" if obj.confidence is None else percent(obj.confidence)


@admin.register(Review)
class ReviewAdmin(RecordAdmin):
    list_display = ("claim", "verdict", "reviewer", "created_at")
    list_filter = ("verdict",)
    list_select_related = ("claim", "reviewer")


class UnderReviewFilter(admin.SimpleListFilter):
    """Live facts whose claim is back in review (an article edit, a changed source)."""

    title = "under review"
    parameter_name = "under_review"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        back = Q(retracted_at__isnull=True) & ~Q(claim__status=ClaimStatus.PUBLISHED)
        if self.value() == "yes":
            return queryset.filter(back)
        if self.value() == "no":
            return queryset.exclude(back)
        return queryset


@admin.register(Fact)
class FactAdmin(RecordAdmin):
    list_display = (
        "claim",
        "verdict",
        "under_review",
        "published_by",
        "published_at",
        "retracted_at",
    )
    list_filter = ("review__verdict", UnderReviewFilter, "source_flag")
    list_select_related = ("claim", "review", "published_by")

    @admin.display(description=_("verdict"), ordering="review__verdict")
    def verdict(self, obj: Fact) -> str:
        return obj.review.get_verdict_display()

    @admin.display(description=_("under review"), boolean=True)
    def under_review(self, obj: Fact) -> bool:
        return obj.retracted_at is None and obj.claim.status != ClaimStatus.PUBLISHED


class ArticleImportForm(forms.Form):
    url = forms.URLField(max_length=2000, assume_scheme="https", label=_("Web address"))
    title = forms.CharField(
        max_length=500, required=False, help_text=_("Leave empty to use the page's headline.")
    )


admin.site.unregister(Article)


@admin.register(Article)
class ImportableArticleAdmin(ArticleAdmin):
    """Articles, plus creating one from a web address through the safe fetcher."""

    change_list_template = "admin/verification/article/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="annotations_article_import"), *super().get_urls()]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ArticleImportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                article = article_import_url(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                for message in error.message_dict.get("url", error.messages):
                    form.add_error("url", message)
            else:
                self.message_user(
                    request,
                    gettext("Imported “%(title)s”; mark its claims below.")
                    % {"title": shorten(article.title)},
                )
                return redirect("admin:annotations_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Import an article from a web address",
            "opts": self.model._meta,
        }
        return render(request, "admin/verification/article/import.html", context)


class SnapshotInline(admin.TabularInline):
    model = SourceSnapshot
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("fetched_at", "http_status", "content_type", "size", "sha256", "final_url")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


admin.site.unregister(Source)


@admin.register(Source)
class ArchivedSourceAdmin(SourceAdmin):
    """Sources with their archived snapshots; new and failed ones are fetched in the background."""

    inlines = [SnapshotInline]
    actions = ["retry_fetch"]

    def save_form(self, request, form, change: bool) -> Source:
        """The service adds or changes the source (validated, fetched after commit), with its
        claims; the admin goes on with the source it saved."""
        data = form.cleaned_data
        uploaded = data.get("file") if "file" in form.changed_data else None
        return source_save(
            claims=list(data.get("claims") or []),
            user=request.user,
            source=form.instance if change else None,
            url=data.get("url") or "",
            text=data.get("text") or "",
            title=data.get("title") or "",
            # A new upload; False (cleared) or the file already there is not one.
            uploaded=uploaded or None,
        )

    def save_model(self, request, obj: Source, form, change: bool) -> None:
        """Saved by source_save in save_form."""

    def save_related(self, request, form, formsets, change: bool) -> None:
        """The claims were set by source_save; the snapshots inline is read-only and saves
        nothing (saving it only readies the admin's change message)."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def response_add(self, request, obj: Source, post_url_continue=None):
        """Back to the claim the source was added from (the claim page's "Add a source")."""
        claim_id = request.GET.get("claims", "")
        staying = any(key in request.POST for key in ("_continue", "_addanother", "_popup"))
        if not staying and claim_id.isdigit() and obj.claims.filter(pk=int(claim_id)).exists():
            self.message_user(
                request,
                gettext("Source “%(source)s” added; it is archived in the background.")
                % {"source": shorten(str(obj))},
            )
            return redirect("admin:annotations_claim_change", int(claim_id))
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description=_("Fetch the selected failed sources again"), permissions=["change"])
    def retry_fetch(self, request, queryset) -> None:
        retried = 0
        for source in queryset:
            try:
                source_retry(source=source, user=request.user)
                retried += 1
            except ValidationError as error:
                self.message_user(
                    request,
                    gettext("“%(source)s”: %(reason)s")
                    % {"source": shorten(str(source)), "reason": " ".join(error.messages)},
                    messages.ERROR,
                )
            except PermissionDenied as error:
                self.message_user(request, str(error), messages.ERROR)
        if retried:
            self.message_user(
                request,
                ngettext(
                    "%(count)s source queued for another fetch.",
                    "%(count)s sources queued for another fetch.",
                    retried,
                )
                % {"count": retried},
            )


@admin.action(description=_("Submit selected draft claims for checking"), permissions=["change"])
def submit_for_checking(modeladmin, request, queryset) -> None:
    submitted, refused = 0, []
    for claim in queryset:
        try:
            claim_submit(claim=claim, user=request.user)
            submitted += 1
        except (TransitionError, ValidationError, PermissionDenied) as error:
            reason = " ".join(getattr(error, "messages", [str(error)]))
            refused.append(gettext("“%(claim)s”: %(reason)s") % {"claim": claim, "reason": reason})
    if submitted:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)s claim submitted; its check is queued.",
                "%(count)s claims submitted; their checks are queued.",
                submitted,
            )
            % {"count": submitted},
        )
    for message in refused:
        modeladmin.message_user(request, message, messages.ERROR)


admin.site.unregister(Claim)


@admin.register(Claim)
class VerifiableClaimAdmin(ClaimAdmin):
    """The annotators' claim admin plus the verification side: check state, queue, review."""

    actions = [submit_for_checking]
    change_form_template = "admin/verification/claim/change_form.html"
    change_list_template = "admin/verification/claim/change_list.html"

    def source_add(self, *, claim: Claim, user, kind: str, **spec) -> Source:
        """Attach a source given with a new claim and archive it, as the API and source admin do."""
        return source_add(claim=claim, user=user, **spec)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        site = self.admin_site
        # Before the model's own patterns: "<path:object_id>/" would swallow these.
        return [
            path(
                "queue/",
                wrap(partial(queue_views.queue_page, site=site)),
                name="verification_queue",
            ),
            path(
                "ready-to-publish/",
                wrap(partial(queue_views.publish_list_page, site=site)),
                name="verification_ready_to_publish",
            ),
            path(
                "queue/take-next/",
                wrap(queue_views.queue_take_next),
                name="verification_queue_take_next",
            ),
            path(
                "<int:claim_id>/review/",
                wrap(partial(admin_views.review_page, site=site)),
                name="verification_claim_review",
            ),
            path(
                "<int:claim_id>/review/<slug:action>/",
                wrap(admin_views.review_action),
                name="verification_claim_review_action",
            ),
            path(
                "<int:claim_id>/check/",
                wrap(self.check_view),
                name="verification_claim_check",
            ),
            path(
                "<int:claim_id>/check-progress/",
                wrap(admin_views.claim_check_progress),
                name="verification_claim_progress",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        return selectors.claim_list_with_latest_check(super().get_queryset(request))

    def check_view(self, request, claim_id: int):
        """The claim page's button: submit a draft for checking, or check a claim again."""
        if request.method != "POST":
            return redirect("admin:annotations_claim_change", claim_id)
        claim = self.get_object(request, str(claim_id))
        if claim is None:
            raise Http404(gettext("No such claim."))
        try:
            if claim.status == ClaimStatus.DRAFT:
                claim_submit(claim=claim, user=request.user)
                self.message_user(request, gettext("Submitted; the check is queued."))
            else:
                check_run_request(claim=claim, user=request.user)
                self.message_user(request, gettext("The check is queued again."))
        except (TransitionError, ValidationError, PermissionDenied) as error:
            self.message_user(
                request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR
            )
        return redirect("admin:annotations_claim_change", claim_id)

    def get_list_display(self, request):
        return (*super().get_list_display(request), "latest_check")

    @admin.display(description=_("latest check"), ordering="check_status")
    def latest_check(self, obj: Claim) -> str:
        status = getattr(obj, "check_status", None)
        if status is None:
            return "—"
        if status == "running":
            return obj.check_progress or "running"
        if status == "succeeded":
            stance = (obj.check_stance or "").replace("_", " ")
            if obj.check_confidence is None:
                return f"done: {stance}"
            return f"done: {stance} ({obj.check_confidence:.0%})"
        return status

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["already_checked"] = admin_views.already_checked(obj.text, claim_id=obj.pk)
        else:
            words = getattr(context["adminform"].form, "selected_words", "")
            context["already_checked"] = admin_views.already_checked(words)
        if obj is not None and obj.pk:
            context["check_progress_url"] = reverse(
                "admin:verification_claim_progress", args=[obj.pk]
            )
            context["check_progress"] = admin_views.run_progress(
                selectors.claim_latest_run(claim_id=obj.pk)
            )
            context["review_url"] = reverse("admin:verification_claim_review", args=[obj.pk])
            context["claim_sources"] = obj.sources.order_by("id")
            # A published or retracted claim's sources are what its verdict was given on.
            closed = obj.status in (ClaimStatus.PUBLISHED, ClaimStatus.RETRACTED)
            if request.user.has_perm("annotations.add_source") and not closed:
                context["add_source_url"] = (
                    reverse("admin:annotations_source_add") + f"?claims={obj.pk}"
                )
            context["check_button"] = _check_button(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if request.user.has_perm(PERM_REVIEW):
            extra_context["queue_url"] = reverse("admin:verification_queue")
        return super().changelist_view(request, extra_context)


def _check_button(user, claim: Claim) -> str | None:
    """The label of the claim page's check button, or None when this user cannot press it."""
    if claim.status == ClaimStatus.DRAFT:
        # Without a source the submission can only be refused; the page says to add one.
        ready = claim.sources.exists() and user.has_perm(PERM_SUBMIT)
        return "Submit for checking" if ready else None
    # Not while a reviewer holds it, nor once it has a verdict (unless a reviewer), nor once
    # published: the same rule the service enforces.
    refused = check_run_refusal(claim=claim, user=user)
    return "Check again" if refused is None else None


def _with_verification_queue(site_get_app_list):
    """Wrap the site's app list so reviewers find the queue, and publishers their work list,
    on the index and in the sidebar.

    These are pages, not a model, so it has no entry of its own; templates cannot add one
    from this app (django.contrib.admin's own templates come first in INSTALLED_APPS), and the
    default site is configured outside this app, so the list is extended here.
    """

    def get_app_list(request, app_label=None):
        apps = site_get_app_list(request, app_label)
        pages = []
        if request.user.has_perm(PERM_REVIEW):
            pages.append((_("Verification queue"), "VerificationQueue", "verification_queue"))
        if request.user.has_perm(PERM_PUBLISH):
            pages.append((_("Ready to publish"), "ReadyToPublish", "verification_ready_to_publish"))
        for app in apps:
            if app["app_label"] == "verification":
                app["models"][:0] = [
                    {
                        "model": None,
                        "name": name,
                        "object_name": object_name,
                        "perms": {"view": True},
                        "admin_url": reverse(f"admin:{url_name}"),
                        "add_url": None,
                        "view_only": True,
                    }
                    for name, object_name, url_name in pages
                ]
        return apps

    return get_app_list


admin.site.get_app_list = _with_verification_queue(admin.site.get_app_list)
