"""Admin pages for articles, claims and sources. Writes go through annotations.services."""

from django import forms
from django.contrib import admin, messages
from django.db import models

from annotations import anchoring, selectors, services
from annotations.models import (
    Article,
    ArticleRevision,
    Claim,
    ClaimKind,
    ClaimTransition,
    Source,
    Tag,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ClaimInline(ReadOnlyInline):
    model = Claim
    fields = ("text", "speaker", "kind", "status", "anchor_state", "position_start", "position_end")
    readonly_fields = fields
    show_change_link = True


class RevisionInline(ReadOnlyInline):
    model = ArticleRevision
    fields = ("text_version", "replaced_by", "replaced_at")
    readonly_fields = fields


class ArticleForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, required=False, assume_scheme="https")

    class Meta:
        model = Article
        fields = ("title", "text", "url", "publisher", "published_at")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "title",
        "publisher",
        "published_at",
        "claim_count",
        "text_version",
        "created_at",
    )
    search_fields = ("title", "publisher", "url")
    readonly_fields = ("text_version", "created_by", "created_at", "updated_at")
    inlines = [ClaimInline, RevisionInline]

    def get_queryset(self, request):
        return selectors.article_list()

    @admin.display(description="claims")
    def claim_count(self, obj: Article) -> int:
        return obj.claim_count

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.article_create(
                title=data["title"],
                text=data["text"],
                url=data.get("url", ""),
                publisher=data.get("publisher", ""),
                published_at=data.get("published_at"),
                user=request.user,
            )
            obj.pk = created.pk
            return
        text_changed = "text" in form.changed_data
        Article.objects.filter(pk=obj.pk).update(
            title=data["title"],
            url=data.get("url", ""),
            publisher=data.get("publisher", ""),
            published_at=data.get("published_at"),
        )
        if text_changed:
            summary = services.article_update_text(
                article=obj, text=data["text"], user=request.user
            )
            self.message_user(
                request,
                f"Claims re-anchored: {summary.kept} kept, {summary.moved} moved, "
                f"{summary.fuzzy} approximate (check them), {summary.orphaned} orphaned.",
                messages.WARNING if summary.fuzzy or summary.orphaned else messages.SUCCESS,
            )
        obj.refresh_from_db()


class ClaimCreateForm(forms.ModelForm):
    quote = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The exact words in the article that make the claim.",
    )
    tag_names = forms.CharField(required=False, help_text="Comma-separated tags.")

    class Meta:
        model = Claim
        fields = ("article", "text", "speaker", "kind")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False
        self.fields["text"].help_text = "The claim as a checkable sentence (defaults to the quote)."
        self.fields["kind"].initial = ClaimKind.OTHER

    def clean(self):
        data = super().clean()
        article, quote = data.get("article"), data.get("quote")
        if article and quote:
            match = anchoring.match_quote(article.text, anchoring.canonical_text(quote.strip()))
            if match is None or match.score < 1.0:
                self.add_error("quote", "These words are not in the article; copy them exactly.")
        return data


class TransitionInline(ReadOnlyInline):
    model = ClaimTransition
    fields = ("created_at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields
    verbose_name_plural = "history"


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
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
    search_fields = ("text", "speaker", "quote_exact")
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
        "anchor_score",
        "anchor_note",
        "created_by",
        "created_at",
        "updated_at",
    )
    fields = ("text", "speaker", "kind", "tags") + readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ClaimCreateForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("article", "quote", "text", "speaker", "kind", "tag_names")
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    @admin.display(description="claim")
    def short_text(self, obj: Claim) -> str:
        return obj.text[:90]

    def save_model(self, request, obj: Claim, form, change: bool) -> None:
        data = form.cleaned_data
        if change:
            obj.save(update_fields=["text", "speaker", "kind", "updated_at"])
            return
        created = services.claim_create(
            article=data["article"],
            exact=data["quote"].strip(),
            text=data.get("text", ""),
            speaker=data.get("speaker", ""),
            kind=data["kind"],
            tags=[t for t in data.get("tag_names", "").split(",") if t.strip()],
            user=request.user,
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change: bool) -> None:
        if change:
            super().save_related(request, form, formsets, change)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "state", "failure_reason", "updated_at")
    list_filter = ("kind", "state")
    search_fields = ("title", "url")
    readonly_fields = ("state", "failure_reason", "created_by", "created_at", "updated_at")
    filter_horizontal = ("claims",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ClaimTransition)
class ClaimTransitionAdmin(admin.ModelAdmin):
    list_display = ("claim", "from_status", "to_status", "actor", "reason", "created_at")
    list_filter = ("to_status",)
    list_select_related = ("claim", "actor")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(Tag)
admin.site.site_header = "Factdesk"
admin.site.site_title = "Factdesk"
admin.site.index_title = "Fact desk"
