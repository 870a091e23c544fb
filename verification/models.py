"""Source snapshots, check runs with evidence and findings, reviews and published facts."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from annotations.models import Claim, Source
from annotations.text import shorten


class SourceSnapshot(models.Model):
    """An immutable archived copy of a source as it was at one fetch."""

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("source")
    )
    fetched_at = models.DateTimeField(verbose_name=_("fetched at"))
    requested_url = models.URLField(max_length=2000, blank=True, verbose_name=_("requested URL"))
    final_url = models.URLField(max_length=2000, blank=True, verbose_name=_("final URL"))
    http_status = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("HTTP status")
    )
    content_type = models.CharField(max_length=100, verbose_name=_("content type"))
    sha256 = models.CharField(max_length=64, verbose_name=_("sha256"))
    size = models.PositiveBigIntegerField(verbose_name=_("size"))
    raw = models.FileField(upload_to="snapshots/%Y/%m/", blank=True, verbose_name=_("raw"))
    title = models.CharField(max_length=500, blank=True, verbose_name=_("title"))
    published_on = models.DateField(
        null=True,
        blank=True,
        help_text=_("Publication date stated by the page; relative dates in it are read from it."),
        verbose_name=_("published on"),
    )
    text = models.TextField(
        help_text=_("Extracted main text; evidence offsets point into it."), verbose_name=_("text")
    )
    # Detected from the text when archived (annotations.language); a person may correct it on
    # the snapshot's admin page, the one field of the record that can change.
    language = models.CharField(
        max_length=8,
        blank=True,
        verbose_name=_("language"),
        help_text=_(
            "ISO 639-1 code of the archived text's language; checks that read only English "
            "skip other languages."
        ),
    )
    extractor = models.CharField(max_length=50, verbose_name=_("extractor"))
    extractor_version = models.CharField(max_length=50, verbose_name=_("extractor version"))

    class Meta:
        verbose_name = _("source snapshot")
        verbose_name_plural = _("source snapshots")
        ordering = ["-fetched_at", "-id"]
        get_latest_by = "fetched_at"
        constraints = [
            # Unchanged content creates no new snapshot: dedupe by content hash per source.
            models.UniqueConstraint(fields=["source", "sha256"], name="snapshot_unique_content")
        ]

    def __str__(self) -> str:
        return f"{self.source} @ {self.fetched_at:%Y-%m-%d %H:%M}"


class CheckRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


OPEN_RUN_STATUSES = (CheckRunStatus.QUEUED, CheckRunStatus.RUNNING)


class Stance(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    REFUTES = "refutes", _("Refutes")
    NOT_ENOUGH_INFO = "not_enough_info", _("Not enough info")


class CheckRun(models.Model):
    """One machine cross-check of a claim against its sources.

    `run_id` keys the Celery task so a redelivered message finds the same run and does nothing new.
    """

    run_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("run ID")
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="check_runs", verbose_name=_("claim")
    )
    status = models.CharField(
        max_length=10,
        choices=CheckRunStatus.choices,
        default=CheckRunStatus.QUEUED,
        verbose_name=_("status"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    progress = models.CharField(max_length=200, blank=True, verbose_name=_("progress"))
    sources_total = models.PositiveSmallIntegerField(default=0, verbose_name=_("sources total"))
    sources_done = models.PositiveSmallIntegerField(default=0, verbose_name=_("sources done"))
    stance = models.CharField(
        max_length=20, choices=Stance.choices, blank=True, verbose_name=_("stance")
    )
    confidence = models.FloatField(null=True, blank=True, verbose_name=_("confidence"))
    engine_version = models.CharField(max_length=50, blank=True, verbose_name=_("engine version"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    deadline_at = models.DateTimeField(
        help_text=_("The sweeper re-enqueues an open run still not finished by then."),
        verbose_name=_("deadline at"),
    )

    class Meta:
        verbose_name = _("check run")
        verbose_name_plural = _("check runs")
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(status__in=OPEN_RUN_STATUSES),
                name="check_run_one_open_per_claim",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CheckRunStatus.values), name="check_run_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=0.0, confidence__lte=1.0),
                name="check_run_confidence_0_1",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline_at"])]

    def __str__(self) -> str:
        return f"Check run {self.run_id} ({self.status})"


class Evidence(models.Model):
    """A passage of an archived source bearing on the claim (code points, end exclusive)."""

    check_run = models.ForeignKey(
        CheckRun, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("check run")
    )
    snapshot = models.ForeignKey(
        SourceSnapshot, on_delete=models.CASCADE, related_name="+", verbose_name=_("snapshot")
    )
    rank = models.PositiveSmallIntegerField(verbose_name=_("rank"))
    start = models.PositiveIntegerField(verbose_name=_("start"))
    end = models.PositiveIntegerField(verbose_name=_("end"))
    score = models.FloatField(verbose_name=_("score"))
    text = models.TextField(verbose_name=_("text"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the machine found it."),
        verbose_name=_("added by"),
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["check_run_id", "rank"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="evidence_start_before_end"
            ),
            # A redelivered task stores the same evidence once.
            models.UniqueConstraint(
                fields=["check_run", "snapshot", "start", "end"], name="evidence_unique_span"
            ),
        ]

    def __str__(self) -> str:
        return shorten(self.text)


class Finding(models.Model):
    """One explained check result: a sentence a reviewer can verify against its spans."""

    check_run = models.ForeignKey(
        CheckRun, on_delete=models.CASCADE, related_name="findings", verbose_name=_("check run")
    )
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))
    kind = models.CharField(max_length=20, verbose_name=_("kind"))
    outcome = models.CharField(max_length=20, verbose_name=_("outcome"))
    message = models.TextField(verbose_name=_("message"))
    # The engine's code for the sentence and its data, so the pages and the API can say it in the
    # reader's language (verification/checks/finding_texts.py).
    # Blank for findings stored before codes existed (and for source problems): `message` shows.
    code = models.CharField(max_length=40, blank=True, default="", verbose_name=_("code"))
    params = models.JSONField(default=dict, blank=True, verbose_name=_("parameters"))
    claim_start = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("claim start"))
    claim_end = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("claim end"))
    snapshot = models.ForeignKey(
        SourceSnapshot,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("snapshot"),
    )
    source_start = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("source start")
    )
    source_end = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("source end"))

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["check_run_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_run", "position"], name="finding_unique_position"
            )
        ]

    def __str__(self) -> str:
        return shorten(self.message)


class Verdict(models.TextChoices):
    """Verdicts on the schema.org ClaimReview scale; `unverifiable` has no rating value."""

    TRUE = "true", _("True")
    MOSTLY_TRUE = "mostly_true", _("Mostly true")
    MIXED = "mixed", _("Mixed")
    MOSTLY_FALSE = "mostly_false", _("Mostly false")
    FALSE = "false", _("False")
    UNVERIFIABLE = "unverifiable", _("Unverifiable")


RATING_VALUES = {
    Verdict.TRUE: 5,
    Verdict.MOSTLY_TRUE: 4,
    Verdict.MIXED: 3,
    Verdict.MOSTLY_FALSE: 2,
    Verdict.FALSE: 1,
    Verdict.UNVERIFIABLE: None,
}


class Review(models.Model):
    """A reviewer's verdict and rationale on a claim; the latest one is the current verdict."""

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("claim")
    )
    check_run = models.ForeignKey(
        CheckRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
        verbose_name=_("check run"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    verdict = models.CharField(max_length=20, choices=Verdict.choices, verbose_name=_("verdict"))
    rationale = models.TextField(verbose_name=_("rationale"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict__in=Verdict.values), name="review_verdict_valid"
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="review_has_rationale"),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} by {self.reviewer}"

    @property
    def rating_value(self) -> int | None:
        return RATING_VALUES[Verdict(self.verdict)]


class ReviewLease(models.Model):
    """A reviewer's hold on a claim from the queue; one per claim, so two never hold the same."""

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="lease")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    taken_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("review lease")
        verbose_name_plural = _("review leases")

    def __str__(self) -> str:
        return f"{self.claim_id} held by {self.reviewer} until {self.expires_at:%H:%M}"


class Fact(models.Model):
    """A published verdict: what the API serves. Retracted facts stay, marked with the reason."""

    claim = models.OneToOneField(
        Claim, on_delete=models.PROTECT, related_name="fact", verbose_name=_("claim")
    )
    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="+", verbose_name=_("review")
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(db_index=True, verbose_name=_("published at"))
    retracted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("retracted at"))
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("retracted by"),
    )
    retraction_reason = models.TextField(blank=True, verbose_name=_("retraction reason"))
    source_flag = models.CharField(
        max_length=20,
        blank=True,
        choices=[
            ("", "None"),
            ("source_changed", "Source changed"),
            ("source_gone", "Source gone"),
        ],
        help_text=_("Set by the periodic re-check when a cited source changed or vanished."),
        verbose_name=_("source flag"),
    )
    source_flag_note = models.CharField(
        max_length=500, blank=True, verbose_name=_("source flag note")
    )
    # Indexed for the facts API's updated_after, which syncing clients poll with a recent time.
    updated_at = models.DateTimeField(auto_now=True, db_index=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(retracted_at__isnull=True) | ~Q(retraction_reason=""),
                name="fact_retraction_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"Fact {self.pk}: {self.claim}"


class FactTerm(models.Model):
    """The claim-matching index: the content words of each live fact, with their counts.

    `POST facts/match/` looks up the query's words here (indexed by term) instead of scanning
    facts; rows are written on publish and removed on retraction.
    """

    fact = models.ForeignKey(Fact, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=64, db_index=True)
    count = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("fact term")
        verbose_name_plural = _("fact terms")
        constraints = [models.UniqueConstraint(fields=["fact", "term"], name="fact_term_unique")]

    def __str__(self) -> str:
        return f"{self.term} ({self.fact_id})"
