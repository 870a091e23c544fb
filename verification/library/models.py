"""Earlier fact-checks (schema.org ClaimReview), the vectors of desk facts, and feeds."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from verification.models import Fact


class FactCheck(models.Model):
    """One earlier fact-check from any outlet, as its ClaimReview describes it.

    `embedding` holds the claim's sentence vector (float32 bytes, L2-normalised) once a worker
    or the import command computed it; `indexed_at` moves whenever the vector changes, and is
    the watermark every process's vector index refreshes from (see vectors.py).
    """

    url = models.URLField(max_length=2000, unique=True, verbose_name=_("URL"))
    claim_reviewed = models.TextField(verbose_name=_("claim reviewed"))
    headline = models.TextField(blank=True, verbose_name=_("headline"))
    rating_name = models.CharField(_("verdict"), max_length=200, blank=True)
    rating_value = models.FloatField(null=True, blank=True, verbose_name=_("rating value"))
    best_rating = models.FloatField(null=True, blank=True, verbose_name=_("best rating"))
    worst_rating = models.FloatField(null=True, blank=True, verbose_name=_("worst rating"))
    author_name = models.CharField(max_length=300, blank=True, verbose_name=_("author name"))
    publisher_name = models.CharField(max_length=300, blank=True, verbose_name=_("publisher name"))
    claim_author = models.CharField(max_length=300, blank=True, verbose_name=_("claim author"))
    reviewed_on = models.DateField(null=True, blank=True, verbose_name=_("reviewed on"))
    language = models.CharField(max_length=35, blank=True, verbose_name=_("language"))
    appearance_urls = models.JSONField(default=list, blank=True, verbose_name=_("appearance URLs"))
    feed = models.ForeignKey(
        "library.ClaimReviewFeed",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="factchecks",
        verbose_name=_("feed"),
    )
    fingerprint = models.CharField(
        max_length=64,
        help_text=_("SHA-256 of the kept fields: a re-import that changes nothing."),
        verbose_name=_("fingerprint"),
    )
    imported_at = models.DateTimeField(auto_now_add=True, verbose_name=_("imported at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    embedding = models.BinaryField(
        null=True, blank=True, editable=False, verbose_name=_("embedding")
    )
    embedding_model = models.CharField(
        max_length=100, blank=True, editable=False, verbose_name=_("embedding model")
    )
    # Serves the index refresh ("what changed since my watermark") as an index range scan.
    indexed_at = models.DateTimeField(
        null=True, blank=True, db_index=True, editable=False, verbose_name=_("indexed at")
    )

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        verbose_name = _("earlier fact-check")
        verbose_name_plural = _("earlier fact-checks")
        indexes = [
            # The embedding sweeper finds fact-checks still waiting for a vector.
            models.Index(
                fields=["id"],
                name="factcheck_unembedded_idx",
                condition=models.Q(embedding__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.claim_reviewed[:80]


class FactVector(models.Model):
    """The sentence vector of one desk fact; `live` is off once the fact is retracted.

    A row is kept (not deleted) on retraction so other processes see the change through the
    same `indexed_at` watermark as every other change.
    """

    fact = models.OneToOneField(Fact, on_delete=models.CASCADE, related_name="vector")
    embedding = models.BinaryField()
    embedding_model = models.CharField(max_length=100)
    live = models.BooleanField(default=True)
    indexed_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"vector of fact {self.fact_id}"


class FeedStatus(models.TextChoices):
    NEW = "new", _("Not read yet")
    OK = "ok", _("Read")
    UNCHANGED = "unchanged", _("Unchanged (304)")
    PARTIAL = "partial", _("Read, some records refused")
    FAILED = "failed", _("Failed")


class ClaimReviewFeed(models.Model):
    """A ClaimReview feed a desk admin follows; beat re-reads it with a conditional GET."""

    url = models.URLField(max_length=2000, unique=True, verbose_name=_("URL"))
    name = models.CharField(max_length=200, blank=True, verbose_name=_("name"))
    enabled = models.BooleanField(default=True, verbose_name=_("enabled"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(auto_now_add=True, verbose_name=_("added at"))
    etag = models.CharField(max_length=500, blank=True, editable=False, verbose_name=_("etag"))
    last_modified = models.CharField(
        max_length=100, blank=True, editable=False, verbose_name=_("last modified")
    )
    last_run_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("last run at")
    )
    last_status = models.CharField(
        max_length=20,
        choices=FeedStatus.choices,
        default=FeedStatus.NEW,
        editable=False,
        verbose_name=_("last status"),
    )
    last_error = models.TextField(blank=True, editable=False, verbose_name=_("last error"))
    last_created = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("last created")
    )
    last_updated = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("last updated")
    )
    last_unchanged = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("last unchanged")
    )
    last_refused = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("last refused")
    )

    class Meta:
        ordering = ["name", "url"]
        verbose_name = _("ClaimReview feed")
        verbose_name_plural = _("ClaimReview feeds")

    def __str__(self) -> str:
        return self.name or self.url


class Lexeme(models.Model):
    """How many fact-checks hold a word (PostgreSQL only): picks a query's rarest words.

    Kept up to date by every import batch; a beat task recounts from scratch now and then, so
    a drift (a crash between a write and its count) does not last.
    """

    lexeme = models.CharField(max_length=2047, primary_key=True)
    documents = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.lexeme} ({self.documents})"
