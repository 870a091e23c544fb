"""Admin pages for snapshots, check runs, reviews and facts: records, read-only by design.

Verdicts, publication and retraction are workflow steps with rules (leases, four-eyes), so they
are taken through services, never by editing rows here.
"""

from django.contrib import admin, messages

from annotations.admin import ClaimAdmin
from annotations.models import Claim
from annotations.services import TransitionError
from verification import services
from verification.models import CheckRun, Evidence, Fact, Finding, Review, SourceSnapshot


class RecordAdmin(admin.ModelAdmin):
    """Read-only: the history of what machines and people did is not edited after the fact."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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
    fields = ("position", "kind", "outcome", "message")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SourceSnapshot)
class SourceSnapshotAdmin(RecordAdmin):
    list_display = ("source", "fetched_at", "http_status", "content_type", "size", "sha256")
    list_select_related = ("source",)
    search_fields = ("title", "final_url", "sha256")


@admin.register(CheckRun)
class CheckRunAdmin(RecordAdmin):
    list_display = ("claim", "status", "progress", "stance", "confidence", "attempts", "created_at")
    list_filter = ("status", "stance")
    list_select_related = ("claim",)
    inlines = [EvidenceInline, FindingInline]


@admin.register(Review)
class ReviewAdmin(RecordAdmin):
    list_display = ("claim", "verdict", "reviewer", "created_at")
    list_filter = ("verdict",)
    list_select_related = ("claim", "reviewer")


@admin.register(Fact)
class FactAdmin(RecordAdmin):
    list_display = ("claim", "published_by", "published_at", "retracted_at")
    list_select_related = ("claim", "published_by")


@admin.action(description="Submit selected draft claims for checking", permissions=["change"])
def submit_for_checking(modeladmin, request, queryset) -> None:
    submitted, refused = 0, []
    for claim in queryset:
        try:
            services.claim_submit(claim=claim, user=request.user)
            submitted += 1
        except (TransitionError, services.ValidationError, services.PermissionDenied) as error:
            refused.append(f"“{claim}”: {' '.join(getattr(error, 'messages', [str(error)]))}")
    if submitted:
        modeladmin.message_user(request, f"{submitted} claim(s) submitted; checks are queued.")
    for message in refused:
        modeladmin.message_user(request, message, messages.ERROR)


admin.site.unregister(Claim)


@admin.register(Claim)
class VerifiableClaimAdmin(ClaimAdmin):
    actions = [submit_for_checking]
