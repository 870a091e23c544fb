"""Articles, the claims marked in them, and the sources annotators attach to claims."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from annotations import anchoring
from annotations.text import shorten


class Article(models.Model):
    """A news article; `text` is canonical (NFC, `\\n` line endings) and claims anchor into it."""

    title = models.CharField(max_length=500, verbose_name=_("title"))
    text = models.TextField(verbose_name=_("text"))
    url = models.URLField(max_length=2000, blank=True, verbose_name=_("web address"))
    publisher = models.CharField(max_length=200, blank=True, verbose_name=_("publisher"))
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))
    text_version = models.PositiveIntegerField(default=1, verbose_name=_("text version"))
    language = models.CharField(
        max_length=8,
        blank=True,
        verbose_name=_("language"),
        help_text=_(
            "ISO 639-1 code of the text's language, detected when the text is saved; correct it "
            "if the detection is wrong. Checks that read only English skip other languages."
        ),
    )
    # A person's correction is kept when the text is edited; a detected language is redone.
    language_by_hand = models.BooleanField(default=False, verbose_name=_("language set by hand"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ArticleRevision(models.Model):
    """An earlier text of an article, kept whenever the text is replaced."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("article"),
    )
    text_version = models.PositiveIntegerField(verbose_name=_("text version"))
    text = models.TextField(verbose_name=_("text"))
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("replaced by"),
    )
    replaced_at = models.DateTimeField(auto_now_add=True, verbose_name=_("replaced at"))

    class Meta:
        verbose_name = _("article revision")
        verbose_name_plural = _("article revisions")
        ordering = ["-text_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "text_version"],
                name="article_revision_unique_version",
            )
        ]

    def __str__(self) -> str:
        return _("version %(number)s") % {"number": self.text_version}


class Tag(models.Model):
    name = models.SlugField(max_length=64, unique=True, verbose_name=_("name"))

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHECKING = "checking", _("Checking")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    IN_REVIEW = "in_review", _("In review")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published")
    RETRACTED = "retracted", _("Retracted")


class ClaimKind(models.TextChoices):
    QUOTE = "quote", _("Quote")
    STATISTIC = "statistic", _("Statistic")
    EVENT = "event", _("Event")
    ATTRIBUTION = "attribution", _("Attribution")
    OTHER = "other", _("Other")


_ANCHOR_LABELS = {
    anchoring.AnchorState.ANCHORED: _("Anchored"),
    anchoring.AnchorState.MOVED: _("Moved"),
    anchoring.AnchorState.FUZZY: _("Fuzzy (check it)"),
    anchoring.AnchorState.ORPHANED: _("Orphaned"),
}
# The states are defined once, in anchoring (plain Python, which decides them); this gives them
# the labels and `choices` a model field and the admin need.
AnchorState = models.TextChoices(
    "AnchorState",
    [(state.name, (state.value, _ANCHOR_LABELS[state])) for state in anchoring.AnchorState],
)


MAX_CLAIM_CHARS = 5000
"""Longest claim text: a claim is a checkable sentence, and the cross-check engine reads no more
(verification/engine/core.py keeps its own copy, since annotations never imports verification)."""

MAX_SPEAKER_CHARS = 200


class Claim(models.Model):
    """A claim marked in an article, anchored by W3C TextQuote + TextPosition selectors.

    Positions are Unicode code points over `article.text`, end exclusive. An orphaned claim keeps
    its quote but has no position.
    """

    article = models.ForeignKey(
        Article,
        on_delete=models.PROTECT,
        related_name="claims",
        verbose_name=_("article"),
    )
    text = models.TextField(
        verbose_name=_("text"),
        help_text=_("The claim as a checkable sentence."),
        validators=[MaxLengthValidator(MAX_CLAIM_CHARS)],
    )
    speaker = models.CharField(max_length=MAX_SPEAKER_CHARS, blank=True, verbose_name=_("speaker"))
    kind = models.CharField(
        max_length=20,
        choices=ClaimKind.choices,
        default=ClaimKind.OTHER,
        verbose_name=_("kind"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="claims", verbose_name=_("tags"))
    quote_exact = models.TextField(verbose_name=_("quote"))
    quote_prefix = models.CharField(max_length=32, blank=True, verbose_name=_("quote prefix"))
    quote_suffix = models.CharField(max_length=32, blank=True, verbose_name=_("quote suffix"))
    position_start = models.PositiveIntegerField(
        null=True,
        blank=True,
        verbose_name=_("position start"),
    )
    position_end = models.PositiveIntegerField(
        null=True,
        blank=True,
        verbose_name=_("position end"),
    )
    anchor_state = models.CharField(
        verbose_name=_("anchor state"),
        max_length=20,
        choices=AnchorState.choices,
        default=AnchorState.ANCHORED,
    )
    anchor_score = models.FloatField(default=1.0, verbose_name=_("anchor score"))
    anchor_note = models.CharField(max_length=500, blank=True, verbose_name=_("anchor note"))
    status = models.CharField(
        verbose_name=_("status"),
        max_length=20,
        choices=ClaimStatus.choices,
        default=ClaimStatus.DRAFT,
        db_index=True,
    )
    # Indexed for the facts API's updated_after: a fact whose claim went back to review since.
    status_changed_at = models.DateTimeField(
        auto_now_add=True,
        db_index=True,
        verbose_name=_("status changed at"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["article_id", "position_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values),
                name="claim_status_valid",
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
                },
            )
        return selectors


class ClaimTransition(models.Model):
    """The audit trail: every status change of a claim, with who, when, from, to and why."""

    claim = models.ForeignKey(
        Claim,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("claim"),
    )
    from_status = models.CharField(
        max_length=20,
        choices=ClaimStatus.choices,
        verbose_name=_("from status"),
    )
    to_status = models.CharField(
        max_length=20,
        choices=ClaimStatus.choices,
        verbose_name=_("to status"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the system made the change (a worker, the sweeper)."),
    )
    reason = models.TextField(blank=True, verbose_name=_("reason"))
    created_at = models.DateTimeField(
        auto_now_add=True,
        db_index=True,
        verbose_name=_("created at"),
    )

    class Meta:
        verbose_name = _("claim transition")
        verbose_name_plural = _("claim transitions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class SourceKind(models.TextChoices):
    URL = "url", _("Web address")
    FILE = "file", _("Uploaded file")
    TEXT = "text", _("Pasted text")


class SourceState(models.TextChoices):
    PENDING = "pending", _("Pending")
    FETCHING = "fetching", _("Fetching")
    ARCHIVED = "archived", _("Archived")
    FAILED = "failed", _("Failed")


class Source(models.Model):
    """A source as the annotator gives it: a URL, an uploaded file or pasted text.

    One source can back several claims (the same report cited twice is fetched once).
    """

    kind = models.CharField(max_length=10, choices=SourceKind.choices, verbose_name=_("kind"))
    title = models.CharField(max_length=500, blank=True, verbose_name=_("title"))
    url = models.URLField(max_length=2000, blank=True, verbose_name=_("web address"))
    file = models.FileField(upload_to="sources/%Y/%m/", blank=True, verbose_name=_("file"))
    text = models.TextField(
        blank=True,
        help_text=_("Pasted text, for text sources."),
        verbose_name=_("text"),
    )
    claims = models.ManyToManyField(
        Claim,
        blank=True,
        related_name="sources",
        verbose_name=_("claims"),
    )
    state = models.CharField(
        verbose_name=_("state"),
        max_length=10,
        choices=SourceState.choices,
        default=SourceState.PENDING,
        db_index=True,
    )
    failure_reason = models.CharField(max_length=500, blank=True, verbose_name=_("failure reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values),
                name="source_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SourceKind.URL) | ~Q(url=""),
                name="source_url_has_url",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SourceKind.TEXT) | ~Q(text=""),
                name="source_text_has_text",
            ),
            models.UniqueConstraint(
                fields=["url"],
                condition=Q(kind=SourceKind.URL),
                name="source_url_unique",
            ),
        ]

    def __str__(self) -> str:
        file_name = self.file.name.rsplit("/", 1)[-1] if self.file else ""
        return self.title or self.url or file_name or _("Source %(id)s") % {"id": self.pk}

    def state_label(self) -> str:
        """The state as the claim page shows it, with the reason of the last failure if any."""
        label = self.get_state_display()
        if not self.failure_reason:
            return str(label)
        return _("%(state)s: %(reason)s") % {"state": label, "reason": self.failure_reason}


class UserPreference(models.Model):
    """What one person chose for the desk's interface, kept across sessions and devices."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="desk_preference",
        verbose_name=_("user"),
    )
    language = models.CharField(
        max_length=16,
        choices=settings.LANGUAGES,
        verbose_name=_("interface language"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"
