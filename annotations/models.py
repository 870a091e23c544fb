"""Articles, the claims marked in them, and the sources annotators attach to claims."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q

from annotations.text import shorten


class Article(models.Model):
    """A news article; `text` is canonical (NFC, `\\n` line endings) and claims anchor into it."""

    title = models.CharField(max_length=500)
    text = models.TextField()
    url = models.URLField(max_length=2000, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    text_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ArticleRevision(models.Model):
    """An earlier text of an article, kept whenever the text is replaced."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    text_version = models.PositiveIntegerField()
    text = models.TextField()
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-text_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "text_version"], name="article_revision_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"version {self.text_version}"


class Tag(models.Model):
    name = models.SlugField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    CHECKING = "checking", "Checking"
    NEEDS_REVIEW = "needs_review", "Needs review"
    IN_REVIEW = "in_review", "In review"
    REVIEWED = "reviewed", "Reviewed"
    PUBLISHED = "published", "Published"
    RETRACTED = "retracted", "Retracted"


class ClaimKind(models.TextChoices):
    QUOTE = "quote", "Quote"
    STATISTIC = "statistic", "Statistic"
    EVENT = "event", "Event"
    ATTRIBUTION = "attribution", "Attribution"
    OTHER = "other", "Other"


class AnchorState(models.TextChoices):
    ANCHORED = "anchored", "Anchored"
    MOVED = "moved", "Moved"
    FUZZY = "fuzzy", "Fuzzy (check it)"
    ORPHANED = "orphaned", "Orphaned"


MAX_CLAIM_CHARS = 5000
"""Longest claim text: a claim is a checkable sentence, and the cross-check engine reads no more
(verification/engine/core.py keeps its own copy, since annotations never imports verification)."""

MAX_SPEAKER_CHARS = 200


class Claim(models.Model):
    """A claim marked in an article, anchored by W3C TextQuote + TextPosition selectors.

    Positions are Unicode code points over `article.text`, end exclusive. An orphaned claim keeps
    its quote but has no position.
    """

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="claims")
    text = models.TextField(
        help_text="The claim as a checkable sentence.",
        validators=[MaxLengthValidator(MAX_CLAIM_CHARS)],
    )
    speaker = models.CharField(max_length=MAX_SPEAKER_CHARS, blank=True)
    kind = models.CharField(max_length=20, choices=ClaimKind.choices, default=ClaimKind.OTHER)
    tags = models.ManyToManyField(Tag, blank=True, related_name="claims")
    quote_exact = models.TextField()
    quote_prefix = models.CharField(max_length=32, blank=True)
    quote_suffix = models.CharField(max_length=32, blank=True)
    position_start = models.PositiveIntegerField(null=True, blank=True)
    position_end = models.PositiveIntegerField(null=True, blank=True)
    anchor_state = models.CharField(
        max_length=20, choices=AnchorState.choices, default=AnchorState.ANCHORED
    )
    anchor_score = models.FloatField(default=1.0)
    anchor_note = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT, db_index=True
    )
    # Indexed for the facts API's updated_after: a fact whose claim went back to review since.
    status_changed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article_id", "position_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="claim_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(position_start__isnull=True, position_end__isnull=True)
                | Q(position_start__isnull=False, position_end__gt=F("position_start")),
                name="claim_position_start_before_end",
            ),
            models.CheckConstraint(
                condition=Q(anchor_state=AnchorState.ORPHANED) | Q(position_start__isnull=False),
                name="claim_anchored_has_position",
            ),
            models.CheckConstraint(condition=~Q(quote_exact=""), name="claim_quote_not_empty"),
        ]
        indexes = [models.Index(fields=["status", "status_changed_at"])]

    def __str__(self) -> str:
        return shorten(self.text)

    def position_selects_quote(self) -> bool:
        """Whether the stored position reads exactly the stored quote in the article's text.

        A fuzzy re-anchoring keeps the annotator's words as the quote and points the position
        at the changed words that matched them; an orphaned claim has no position at all.
        """
        if self.position_start is None:
            return False
        return self.article.text[self.position_start : self.position_end] == self.quote_exact

    def selectors(self) -> list[dict]:
        """The claim's W3C selectors, both describing the same words.

        The TextPositionSelector is given only when it reads the quote's `exact` (see
        position_selects_quote); otherwise the TextQuoteSelector stands alone.
        """
        selectors = [
            {
                "type": "TextQuoteSelector",
                "exact": self.quote_exact,
                "prefix": self.quote_prefix,
                "suffix": self.quote_suffix,
            }
        ]
        if self.position_selects_quote():
            selectors.append(
                {
                    "type": "TextPositionSelector",
                    "start": self.position_start,
                    "end": self.position_end,
                }
            )
        return selectors


class ClaimTransition(models.Model):
    """The audit trail: every status change of a claim, with who, when, from, to and why."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ClaimStatus.choices)
    to_status = models.CharField(max_length=20, choices=ClaimStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the system made the change (a worker, the sweeper).",
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class SourceKind(models.TextChoices):
    URL = "url", "Web address"
    FILE = "file", "Uploaded file"
    TEXT = "text", "Pasted text"


class SourceState(models.TextChoices):
    PENDING = "pending", "Pending"
    FETCHING = "fetching", "Fetching"
    ARCHIVED = "archived", "Archived"
    FAILED = "failed", "Failed"


class Source(models.Model):
    """A source as the annotator gives it: a URL, an uploaded file or pasted text.

    One source can back several claims (the same report cited twice is fetched once).
    """

    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    title = models.CharField(max_length=500, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    file = models.FileField(upload_to="sources/%Y/%m/", blank=True)
    text = models.TextField(blank=True, help_text="Pasted text, for text sources.")
    claims = models.ManyToManyField(Claim, blank=True, related_name="sources")
    state = models.CharField(
        max_length=10, choices=SourceState.choices, default=SourceState.PENDING, db_index=True
    )
    failure_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="source_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=SourceKind.URL) | ~Q(url=""), name="source_url_has_url"
            ),
            models.CheckConstraint(
                condition=~Q(kind=SourceKind.TEXT) | ~Q(text=""), name="source_text_has_text"
            ),
            models.UniqueConstraint(
                fields=["url"], condition=Q(kind=SourceKind.URL), name="source_url_unique"
            ),
        ]

    def __str__(self) -> str:
        file_name = self.file.name.rsplit("/", 1)[-1] if self.file else ""
        return self.title or self.url or file_name or f"Source {self.pk}"

    def state_label(self) -> str:
        """The state as the claim page shows it, with the reason of the last failure if any."""
        label = self.get_state_display()
        return f"{label}: {self.failure_reason}" if self.failure_reason else label
