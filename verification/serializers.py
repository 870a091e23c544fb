from rest_framework import serializers

from verification.models import Fact


class FactSerializer(serializers.ModelSerializer):
    claim = serializers.CharField(source="claim.text")
    quote = serializers.CharField(source="claim.quote_exact")
    speaker = serializers.CharField(source="claim.speaker")
    verdict = serializers.CharField(source="review.verdict")
    rating_value = serializers.IntegerField(source="review.rating_value", allow_null=True)
    rationale = serializers.CharField(source="review.rationale")
    article = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = Fact
        fields = (
            "id",
            "claim",
            "quote",
            "speaker",
            "verdict",
            "rating_value",
            "rationale",
            "article",
            "status",
            "published_at",
            "updated_at",
            "retracted_at",
            "retraction_reason",
        )

    def get_article(self, fact: Fact) -> dict:
        article = fact.claim.article
        return {
            "id": article.pk,
            "title": article.title,
            "url": article.url,
            "publisher": article.publisher,
            "published_at": article.published_at,
        }

    def get_status(self, fact: Fact) -> str:
        return "retracted" if fact.retracted_at else "published"
