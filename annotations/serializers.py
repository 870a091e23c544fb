"""API shapes for articles, claims and sources (the public contract in DESIGN.md)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from annotations.language import language_code_clean
from annotations.models import (
    MAX_CLAIM_CHARS,
    MAX_SPEAKER_CHARS,
    Article,
    Claim,
    ClaimKind,
    Source,
)


class ArticleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = (
            "id",
            "title",
            "text",
            "url",
            "publisher",
            "published_at",
            "language",
            "text_version",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "language", "text_version", "created_at", "updated_at")
        extra_kwargs = {
            "language": {
                "help_text": _(
                    "ISO 639-1 code of the text's language, detected from the text "
                    '("" when unsure); PATCH it to correct the detection.'
                )
            }
        }
        # The text is stored as sent (NFC, "\n" line ends: anchoring.canonical_text), never
        # trimmed: a selector's prefix or suffix may hold the leading or trailing whitespace.
        extra_kwargs = {"text": {"trim_whitespace": False}}


class ArticleListSerializer(serializers.ModelSerializer):
    claim_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Article
        fields = (
            "id",
            "title",
            "url",
            "publisher",
            "published_at",
            "language",
            "text_version",
            "claim_count",
            "created_at",
        )


class ArticleUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=500)
    text = serializers.CharField(required=False, trim_whitespace=False)
    url = serializers.URLField(required=False, allow_blank=True, max_length=2000)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    language = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=8,
        help_text=_('Correct the detected language (ISO 639-1, like es); "" detects it again.'),
    )

    def validate_language(self, value: str) -> str:
        try:
            return language_code_clean(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


class SelectorSerializer(serializers.Serializer):
    """One W3C selector: TextQuoteSelector {exact, prefix, suffix} or TextPositionSelector."""

    type = serializers.ChoiceField(choices=["TextQuoteSelector", "TextPositionSelector"])
    exact = serializers.CharField(required=False, trim_whitespace=False)
    prefix = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    suffix = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    start = serializers.IntegerField(required=False, min_value=0)
    end = serializers.IntegerField(required=False, min_value=0)

    def validate(self, data):
        if data["type"] == "TextQuoteSelector" and not data.get("exact"):
            raise serializers.ValidationError(
                gettext("A TextQuoteSelector needs a non-empty `exact`.")
            )
        if data["type"] == "TextPositionSelector" and ("start" not in data or "end" not in data):
            raise serializers.ValidationError(
                gettext("A TextPositionSelector needs `start` and `end`.")
            )
        return data


class ClaimCreateSerializer(serializers.Serializer):
    article = serializers.PrimaryKeyRelatedField(queryset=Article.objects.all())
    selector = SelectorSerializer(many=True, allow_empty=False)
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=MAX_CLAIM_CHARS,
        help_text=_("The claim as a checkable sentence; the quoted words when left out."),
    )
    speaker = serializers.CharField(required=False, allow_blank=True, max_length=MAX_SPEAKER_CHARS)
    kind = serializers.ChoiceField(choices=ClaimKind.choices, default=ClaimKind.OTHER)
    tags = serializers.ListField(child=serializers.SlugField(max_length=64), required=False)

    def validate_selector(self, selectors):
        types = [s["type"] for s in selectors]
        if len(types) != len(set(types)):
            raise serializers.ValidationError(gettext("Give each selector type at most once."))
        return selectors


class ClaimSerializer(serializers.ModelSerializer):
    selector = serializers.SerializerMethodField()
    anchor = serializers.CharField(source="anchor_state")
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Claim
        fields = (
            "id",
            "article",
            "text",
            "speaker",
            "kind",
            "tags",
            "status",
            "selector",
            "anchor",
            "anchor_score",
            "anchor_note",
            "status_changed_at",
            "created_at",
            "updated_at",
        )

    def get_selector(self, claim: Claim) -> list[dict]:
        return claim.selectors()


class SourceCreateSerializer(serializers.Serializer):
    url = serializers.URLField(required=False, max_length=2000)
    title = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text=_("Required with `text`: where the pasted text comes from."),
    )
    text = serializers.CharField(required=False, trim_whitespace=False)
    file = serializers.FileField(required=False)

    def validate(self, data):
        given = [k for k in ("url", "text", "file") if data.get(k)]
        if len(given) != 1:
            raise serializers.ValidationError(
                gettext("Give exactly one of `url`, `text` (with `title`) or `file`.")
            )
        return data


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = (
            "id",
            "kind",
            "title",
            "url",
            "state",
            "failure_reason",
            "created_at",
            "updated_at",
        )
