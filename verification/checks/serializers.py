"""The check-run API's shapes: a run with its findings, and a run's summary."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from verification.checks.finding_texts import text_of
from verification.models import CheckRun, Finding


class FindingSerializer(serializers.ModelSerializer):
    # The sentence in the request's language (the stored English for a finding without a code).
    message = serializers.SerializerMethodField()

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

    @extend_schema_field(OpenApiTypes.STR)
    def get_message(self, finding: Finding) -> str:
        return text_of(finding)


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


class CheckRunSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckRun
        fields = ("id", "run_id", "status", "progress", "created_at")
