"""Admin pages for articles, claims and sources. Writes go through annotations.services."""

from django.contrib import admin, messages
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from annotations import claim_picker, selectors, services
from annotations.admin_views import article_annotation_context
from annotations.forms import (
    ArticleCreateForm,
    ArticleForm,
    ClaimCreateForm,
    SourceForm,
    TextAsSentField,
)
from annotations.models import (
    Article,
    ArticleRevision,
    Claim,
    ClaimStatus,
    ClaimTransition,
    Source,
    Tag,
)
from annotations.text import percent, shorten

__all__ = ["ArticleAdmin", "ArticleForm", "ClaimAdmin", "ClaimCreateForm"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RevisionInline(ReadOnlyInline):
    model = ArticleRevision
    fields = ("text_version", "replaced_by", "replaced_at")
    readonly_fields = fields

    def get_queryset(self, request):
        # Old texts can be megabytes each; the list shows only who replaced which version.
        return super().get_queryset(request).defer("text").select_related("replaced_by")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "title",
        "publisher",
        "published_at",
        "language",
        "claim_count",
        "text_version",
        "created_at",
    )
    list_filter = ("language",)
    search_fields = ("title", "publisher", "url")
    readonly_fields = ("text_version", "created_by", "created_at", "updated_at")
    # The claims are shown in the annotated text panel and listed, paginated, in the claim list
    # (linked from the panel): an inline row per claim made a 5,000-claim article take seconds.
    inlines = [RevisionInline]
    change_form_template = "admin/annotations/article/annotate_change_form.html"

    def get_queryset(self, request):
        return selectors.article_list()

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ArticleForm if obj is not None else ArticleCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": ("title", "text", "upload")}),
                (_("Publication"), {"fields": ("url", "publisher", "published_at")}),
            ]
        return [
            (None, {"fields": ("title", "url", "publisher", "published_at", "language")}),
            (
                _("Edit the text"),
                {
                    "fields": ("text",),
                    "description": _(
                        "Saving a changed text re-anchors every claim: claims found again move, "
                        "approximate matches are flagged, claims not found are listed as "
                        "orphaned above. The previous text is kept as a revision."
                    ),
                },
            ),
            (_("Record"), {"fields": self.readonly_fields}),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["annotate"] = article_annotation_context(article=obj, user=request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("claims"))
    def claim_count(self, obj: Article) -> int:
        return obj.claim_count

    def save_form(self, request, form, change: bool) -> Article:
        """A new article is made by the service; the admin goes on with that article."""
        if change:
            return form.save(commit=False)
        data = form.cleaned_data
        return services.article_create(
            title=data["title"],
            text=data["text"],
            url=data.get("url", ""),
            publisher=data.get("publisher", ""),
            published_at=data.get("published_at"),
            user=request.user,
        )

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        if not change:
            return  # made by save_form
        data = form.cleaned_data
        fields = {
            "title": data["title"],
            "url": data.get("url", ""),
            "publisher": data.get("publisher", ""),
            "published_at": data.get("published_at"),
        }
        if "language" in form.changed_data:
            fields["language"] = data["language"]  # set by hand: kept when the text changes
        text = data["text"] if "text" in form.changed_data else None
        summary = services.article_update(article=obj, user=request.user, text=text, **fields)
        if summary is not None:
            self.message_user(
                request,
                gettext(
                    "Claims re-anchored: %(kept)s kept, %(moved)s moved, %(fuzzy)s approximate "
                    "(check them), %(orphaned)s orphaned."
                )
                % {
                    "kept": summary.kept,
                    "moved": summary.moved,
                    "fuzzy": summary.fuzzy,
                    "orphaned": summary.orphaned,
                },
                messages.WARNING if summary.fuzzy or summary.orphaned else messages.SUCCESS,
            )
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change: bool) -> None:
        if change:  # a new article has nothing related yet: save_form made it whole
            super().save_related(request, form, formsets, change)


class TransitionInline(ReadOnlyInline):
    model = ClaimTransition
    fields = ("created_at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields
    verbose_name_plural = _("history")


CLAIM_ADD_FIELDSETS = [
    (None, {"fields": ("article", "quote", "start", "end", "text_version")}),
    (_("The claim"), {"fields": ("text", "speaker", "kind", "tag_names")}),
    (
        _("Source (optional)"),
        {
            "fields": ("source_url", "source_title", "source_text", "source_file"),
            "description": _(
                "Attach where the claim can be checked: a web address, pasted text with a "
                "title, or a file. More sources can be added later."
            ),
        },
    ),
]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    # The claim's sentence is saved as written (canonical, not trimmed), as in the API.
    formfield_overrides = {models.TextField: {"form_class": TextAsSentField}}
    list_display = (
        "short_text",
        "article",
        "speaker",
        "kind",
        "status",
        "anchor_state",
        "updated_at",
    )
    list_filter = ("status", "kind", "anchor_state", "tags")
    # The article's title too: the source page's claim picker searches with these.
    search_fields = ("text", "speaker", "quote_exact", "article__title")
    list_select_related = ("article",)
    inlines = [TransitionInline]
    readonly_fields = (
        "article",
        "status",
        "quote_exact",
        "quote_prefix",
        "quote_suffix",
        "position_start",
        "position_end",
        "anchor_state",
        "anchor_match",
        "anchor_note",
        "created_by",
        "created_at",
        "updated_at",
    )
    fields = ("text", "speaker", "kind", "tags") + readonly_fields

    def get_urls(self):
        search = claim_picker.ClaimSearchView.as_view(admin_site=self.admin_site)
        # Before the model's own patterns: "<path:object_id>/" would swallow it.
        return [
            path("autocomplete/", self.admin_site.admin_view(search), name=claim_picker.URL_NAME),
            *super().get_urls(),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ClaimCreateForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inlines(self, request, obj):
        # A claim being created has no history yet.
        return self.inlines if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return [field for _, options in CLAIM_ADD_FIELDSETS for field in options["fields"]]
        return self.fields

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return CLAIM_ADD_FIELDSETS
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.status != ClaimStatus.DRAFT:
            # Once submitted, the wording is what the check, the verdict and the published fact
            # are about: changing it would silently change what was reviewed.
            return ("text", "speaker", "kind", "tags", *self.readonly_fields)
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        # The rule of services.claim_delete: drafts only, by their creator or a reviewer.
        if obj is None:
            user = request.user
            return user.has_perm(services.PERM_CLAIM_DELETE) or user.has_perm(
                services.PERM_CLAIM_ADD
            )
        return services.claim_delete_refusal(claim=obj, user=request.user) is None

    def delete_model(self, request, obj: Claim) -> None:
        services.claim_delete(claim=obj, user=request.user)

    def delete_queryset(self, request, queryset) -> None:
        # The bulk action checked has_delete_permission on each claim; delete each the same way.
        with transaction.atomic():
            for claim in queryset:
                services.claim_delete(claim=claim, user=request.user)

    @admin.display(description=_("anchor score"))
    def anchor_match(self, obj: Claim) -> str:
        """How closely the anchored words match the quote, as a percentage (1.0 is exact)."""
        return percent(obj.anchor_score)

    @admin.display(description=_("claim"))
    def short_text(self, obj: Claim) -> str:
        return shorten(obj.text, 90)

    def save_form(self, request, form, change: bool) -> Claim:
        """A new claim is made by the service (anchored, audited) with its sources attached; the
        admin goes on with that claim rather than the unsaved one its form would build."""
        if change:
            return form.save(commit=False)
        data = form.cleaned_data
        if "selection" in data:
            start, end = data["selection"]
            anchor = {"start": start, "end": end}
        else:
            anchor = {"exact": data["quote"]}
        # The admin's add view runs in one transaction: a refused source undoes the claim too.
        created = services.claim_create(
            article=data["article"],
            text=data.get("text", ""),
            speaker=data.get("speaker", ""),
            kind=data["kind"],
            tags=data.get("tag_names", []),
            user=request.user,
            **anchor,
        )
        for spec in form.source_specs():
            self.source_add(claim=created, user=request.user, **spec)
        return created

    def source_add(self, *, claim: Claim, user, kind: str, **spec) -> Source:
        """Attach a source given on the claim add form (the verification admin also archives it)."""
        add = {
            "url": services.source_add_url,
            "text": services.source_add_text,
            "file": services.source_add_file,
        }[kind]
        return add(claim=claim, user=user, **spec)

    def save_model(self, request, obj: Claim, form, change: bool) -> None:
        if change:
            # The form has set what it may change on obj (a submitted claim's words are
            # read-only there, so obj keeps them as they are).
            services.claim_update(
                claim=obj, user=request.user, text=obj.text, speaker=obj.speaker, kind=obj.kind
            )

    def response_add(self, request, obj: Claim, post_url_continue=None):
        """Go back to the article, where the new claim is highlighted, unless asked otherwise."""
        if any(key in request.POST for key in ("_continue", "_addanother", "_popup")):
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            format_html(
                gettext(
                    "Claim “{}” created as a draft and highlighted below. "
                    '<a href="{}">Open the claim</a> to submit it for checking.'
                ),
                shorten(obj.text),
                reverse("admin:annotations_claim_change", args=[obj.pk]),
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:annotations_article_change", args=[obj.article_id])
        )

    def save_related(self, request, form, formsets, change: bool) -> None:
        if change:
            super().save_related(request, form, formsets, change)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    list_display = ("__str__", "kind", "state", "failure_reason", "updated_at")
    list_filter = ("kind", "state")
    search_fields = ("title", "url")
    readonly_fields = ("state", "failure_reason", "created_by", "created_at", "updated_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name != "claims":
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        kwargs["widget"] = claim_picker.ClaimPicker(
            db_field, self.admin_site, using=kwargs.get("using")
        )
        kwargs["queryset"] = claim_picker.claims_for_picker()
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        # The claims already chosen (or passed in from a claim page) are named the same way.
        field.label_from_instance = claim_picker.claim_choice_label
        return field


class RecordAdmin(admin.ModelAdmin):
    """Read-only: the history of what machines and people did is not edited after the fact."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ClaimTransition)
class ClaimTransitionAdmin(RecordAdmin):
    list_display = ("claim", "from_status", "to_status", "actor", "reason", "created_at")
    list_filter = ("to_status",)
    list_select_related = ("claim", "actor")


admin.site.register(Tag)
admin.site.site_header = "Factdesk"
admin.site.site_title = "Factdesk"
admin.site.index_title = _("Fact desk")
