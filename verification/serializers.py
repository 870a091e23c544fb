"""API shapes for facts, check runs, the queue, reviews and matching."""

from django.urls import reverse
from rest_framework import serializers

from annotations.serializers import ClaimSerializer
from verification.models import CheckRun, Fact, Finding, Review, SourceSnapshot, Verdict

_DATETIME = serializers.DateTimeField()


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = (
            "position",
            "kind",
            "outcome",
            "message",
            "claim_start",
            "claim_end",
            "snapshot",
            "source_start",
            "source_end",
        )


class CheckRunSerializer(serializers.ModelSerializer):
    evidence = serializers.SerializerMethodField()
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = CheckRun
        fields = (
            "id",
            "run_id",
            "status",
            "progress",
            "sources_total",
            "sources_done",
            "stance",
            "confidence",
            "engine_version",
            "error",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
            "evidence",
            "findings",
        )

    def get_evidence(self, run: CheckRun) -> list[dict]:
        # Runs are prefetched with their evidence and snapshots; sources are few per claim.
        return [
            {
                "rank": e.rank,
                "snapshot_id": e.snapshot_id,
                "source_id": e.snapshot.source_id,
                "start": e.start,
                "end": e.end,
                "score": e.score,
                "text": e.text,
            }
            for e in run.evidence.all()
        ]


class SnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = SourceSnapshot
        fields = (
            "id",
            "source",
            "fetched_at",
            "requested_url",
            "final_url",
            "http_status",
            "content_type",
            "sha256",
            "size",
            "title",
            "text",
            "extractor",
            "extractor_version",
        )


class CheckRunSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckRun
        fields = ("id", "run_id", "status", "progress", "created_at")


class QueueClaimSerializer(ClaimSerializer):
    machine_stance = serializers.CharField(allow_null=True, read_only=True)
    machine_confidence = serializers.FloatField(allow_null=True, read_only=True)
    leased_to = serializers.SerializerMethodField()
    lease_expires_at = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = ClaimSerializer.Meta.fields + (
            "machine_stance",
            "machine_confidence",
            "leased_to",
            "lease_expires_at",
        )

    def _lease(self, claim):
        # A missing reverse one-to-one raises a subclass of AttributeError.
        return getattr(claim, "lease", None)

    def get_leased_to(self, claim) -> str | None:
        lease = self._lease(claim)
        return lease.reviewer.get_username() if lease else None

    def get_lease_expires_at(self, claim) -> str | None:
        lease = self._lease(claim)
        return lease.expires_at.isoformat() if lease else None


class ReviewCreateSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    rationale = serializers.CharField()


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.get_username")

    class Meta:
        model = Review
        fields = ("id", "claim", "verdict", "rating_value", "rationale", "reviewer", "created_at")


class RetractSerializer(serializers.Serializer):
    reason = serializers.CharField()


class FactFilterSerializer(serializers.Serializer):
    """Query parameters of `GET facts/`; a malformed value is a 400 naming the parameter."""

    verdict = serializers.ChoiceField(choices=Verdict.choices, required=False)
    article = serializers.IntegerField(min_value=1, required=False)
    speaker = serializers.CharField(max_length=200, required=False)
    tag = serializers.SlugField(max_length=64, required=False)
    published_after = serializers.DateTimeField(required=False)
    published_before = serializers.DateTimeField(required=False)
    source_domain = serializers.RegexField(
        r"^[A-Za-z0-9.-]{1,253}$", required=False, help_text="e.g. example.org"
    )
    q = serializers.CharField(
        max_length=500, required=False, help_text="Words in the claim, quote or rationale"
    )


class ArticleImportSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2000)
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)


class MatchRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20_000)
    limit = serializers.IntegerField(min_value=1, max_value=50, default=5)


class MatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    score = serializers.FloatField()
    claim = serializers.CharField()
    matched_text = serializers.CharField()
    shared_terms = serializers.ListField(child=serializers.CharField())
    verdict = serializers.CharField()
    status = serializers.CharField()
    url = serializers.URLField()


class MatchResponseSerializer(serializers.Serializer):
    results = MatchSerializer(many=True)


class FactSerializer(serializers.ModelSerializer):
    claim = serializers.CharField(source="claim.text")
    claim_id = serializers.IntegerField(source="claim.pk")
    quote = serializers.CharField(source="claim.quote_exact")
    speaker = serializers.CharField(source="claim.speaker")
    tags = serializers.SerializerMethodField()
    verdict = serializers.CharField(source="review.verdict")
    rating_value = serializers.IntegerField(source="review.rating_value", allow_null=True)
    rationale = serializers.CharField(source="review.rationale")
    article = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = Fact
        fields = (
            "id",
            "claim_id",
            "claim",
            "quote",
            "speaker",
            "tags",
            "verdict",
            "rating_value",
            "rationale",
            "article",
            "evidence",
            "status",
            "published_at",
            "updated_at",
            "retracted_at",
            "retraction_reason",
            "links",
        )

    def get_tags(self, fact: Fact) -> list[str]:
        tags = getattr(fact.claim, "tag_list", None)
        return [tag.name for tag in (fact.claim.tags.all() if tags is None else tags)]

    def get_article(self, fact: Fact) -> dict:
        article = fact.claim.article
        return {
            "id": article.pk,
            "title": article.title,
            "url": article.url,
            "publisher": article.publisher,
            "published_at": article.published_at,
        }

    def get_evidence(self, fact: Fact) -> list[dict]:
        # Plain dicts: a nested serializer per fact rebuilt its fields for every fact of a page.
        return [
            {
                "rank": e.rank,
                "source_id": e.snapshot.source_id,
                "source_url": e.snapshot.source.url,
                "snapshot_id": e.snapshot_id,
                "archived_at": _DATETIME.to_representation(e.snapshot.fetched_at),
                "start": e.start,
                "end": e.end,
                "score": e.score,
                "text": e.text,
            }
            for e in self.context.get("evidence", {}).get(fact.pk, [])
        ]

    def get_status(self, fact: Fact) -> str:
        return "retracted" if fact.retracted_at else "published"

    def get_links(self, fact: Fact) -> dict:
        request = self.context.get("request")

        def absolute(name: str) -> str:
            path = reverse(name, args=[fact.pk])
            return request.build_absolute_uri(path) if request else path

        return {
            "self": absolute("fact-detail"),
            "claimreview": absolute("fact-claimreview"),
            "annotation": absolute("fact-annotation"),
        }
