"""The review API's shapes: a queued claim, a verdict to record, a recorded review."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from annotations.models import ClaimKind
from annotations.serializers import ClaimSerializer
from verification.models import Review, Stance, Verdict


class QueueFilterSerializer(serializers.Serializer):
    """Query parameters of `GET queue/`, the admin queue's filters; a bad value is a 400."""

    article = serializers.IntegerField(required=False, min_value=1)
    kind = serializers.ChoiceField(choices=ClaimKind.choices, required=False)
    stance = serializers.ChoiceField(
        choices=[*Stance.choices, ("failed", _("The check failed"))],
        required=False,
        help_text=_("The latest check's stance, or `failed` for claims whose check failed."),
    )
    mine = serializers.BooleanField(
        required=False, default=False, help_text=_("Only the claims you hold.")
    )


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
    # Kept as written (NFC, "\n" line ends), not trimmed: it is published with the verdict.
    rationale = serializers.CharField(trim_whitespace=False)


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.get_username")

    class Meta:
        model = Review
        fields = ("id", "claim", "verdict", "rating_value", "rationale", "reviewer", "created_at")
