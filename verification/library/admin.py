"""Admin pages of the library: the earlier fact-checks (read-only) and the feeds a desk follows."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from verification.library import feeds
from verification.library.models import ClaimReviewFeed, FactCheck
from verification.library.services import enqueue_on_commit
from verification.sources import fetching


@admin.register(FactCheck)
class FactCheckAdmin(admin.ModelAdmin):
    """Imported from files and feeds, so read-only here: the source of truth is the publisher's."""

    list_display = ["claim_reviewed", "rating_name", "publisher_name", "reviewed_on", "link"]
    list_filter = ["publisher_name", "language"]
    search_fields = ["claim_reviewed", "headline"]
    show_full_result_count = False  # a count over a million rows on every page is a table scan
    readonly_fields = [
        f.name for f in FactCheck._meta.fields if f.name not in ("embedding",) and f.editable
    ] + ["imported_at", "updated_at", "indexed_at"]

    @admin.display(description=_("link"))
    def link(self, factcheck: FactCheck) -> str:
        return format_html(
            '<a href="{}" rel="noopener noreferrer">{}</a>', factcheck.url, gettext("open")
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class FeedForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, assume_scheme="https", label=_("Feed address"))

    class Meta:
        model = ClaimReviewFeed
        fields = ["url", "name", "enabled"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        refusal = fetching.url_refusal(url, feeds.feed_policy())
        if refusal:
            raise forms.ValidationError(
                gettext("This address would be refused: %(reason)s") % {"reason": refusal}
            )
        return url


@admin.register(ClaimReviewFeed)
class ClaimReviewFeedAdmin(admin.ModelAdmin):
    form = FeedForm
    list_display = [
        "__str__",
        "enabled",
        "last_run_at",
        "last_status",
        "last_created",
        "last_updated",
        "last_unchanged",
        "last_refused",
        "last_error",
    ]
    list_filter = ["enabled", "last_status"]
    readonly_fields = [
        "added_by",
        "added_at",
        "last_run_at",
        "last_status",
        "last_created",
        "last_updated",
        "last_unchanged",
        "last_refused",
        "last_error",
        "etag",
        "last_modified",
    ]
    actions = ["read_now"]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            enqueue_on_commit("verification.library.tasks.feed_refresh_task", obj.pk)

    @admin.action(description=_("Read the selected feeds now"), permissions=["change"])
    def read_now(self, request, queryset) -> None:
        ids = list(queryset.values_list("id", flat=True))
        for feed_id in ids:
            enqueue_on_commit("verification.library.tasks.feed_refresh_task", feed_id)
        self.message_user(
            request,
            ngettext(
                "%(count)s feed queued for reading.",
                "%(count)s feeds queued for reading.",
                len(ids),
            )
            % {"count": len(ids)},
            messages.SUCCESS,
        )
