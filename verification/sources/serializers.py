"""The sources API's shapes: an archived snapshot, and an article to import by URL."""

from rest_framework import serializers

from verification.models import SourceSnapshot


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
            "published_on",
            "text",
            "extractor",
            "extractor_version",
        )


class ArticleImportSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2000)
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
