"""The facts API's shapes: filters, matching, and the published fact itself."""

from rest_framework import serializers

from annotations.models import SourceKind
from verification.facts.matching import MIN_SCORE
from verification.facts.rows import RowSerializer
from verification.models import RATING_VALUES, Verdict
from verification.selectors import fact_row_under_review


class RetractSerializer(serializers.Serializer):
    # Kept as written (NFC, "\n" line ends), not trimmed: readers see it with the retraction.
    reason = serializers.CharField(trim_whitespace=False)


class FactFilterSerializer(serializers.Serializer):
    """Query parameters of `GET facts/`; a malformed value is a 400 naming the parameter."""

    verdict = serializers.ChoiceField(choices=Verdict.choices, required=False)
    status = serializers.ChoiceField(
        choices=["published", "retracted"],
        required=False,
        help_text="Leave out for both, so a client that keeps copies also learns of retractions.",
    )
    article = serializers.IntegerField(min_value=1, required=False)
    speaker = serializers.CharField(
        max_length=200, required=False, help_text="Part of the speaker's name, any case"
    )
    tag = serializers.SlugField(max_length=64, required=False, help_text="A tag's name, any case")
    published_after = serializers.DateTimeField(required=False)
    published_before = serializers.DateTimeField(required=False)
    updated_after = serializers.DateTimeField(
        required=False,
        help_text="Facts published, retracted or flagged since then (for keeping copies in step)",
    )
    source_domain = serializers.RegexField(
        r"^[A-Za-z0-9.-]{1,253}$",
        required=False,
        help_text="Facts citing a source on this domain or its subdomains (e.g. example.org) "
        "that was archived; a source that could not be fetched does not count",
    )
    q = serializers.CharField(
        max_length=500,
        required=False,
        help_text="Words in the claim, quote or rationale: every word must appear (any case, "
        "any order, each in any of the three)",
    )


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers and booleans instead of turning them into text."""

    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class MatchRequestSerializer(serializers.Serializer):
    text = StrictCharField(max_length=20_000)
    limit = serializers.IntegerField(min_value=1, max_value=50, default=5)
    min_score = serializers.FloatField(
        min_value=0,
        max_value=1,
        default=MIN_SCORE,
        help_text=f"Leave out matches scoring less (0..1). The default, {MIN_SCORE}, drops facts "
        "that share only a common word with the text; 0 returns every candidate.",
    )


class MatchSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["fact", "factcheck"],
        help_text="`fact`: one of this desk's published facts; `factcheck`: an earlier "
        "fact-check from the library (schema.org ClaimReview, imported from a file or a feed).",
    )
    id = serializers.IntegerField(
        allow_null=True, help_text="The desk fact's id (`facts/{id}/`); null for a fact-check."
    )
    score = serializers.FloatField(
        help_text="0..1: how close the match is, from meaning (sentence vectors) and shared "
        "words (a desk fact: the larger of the two; a fact-check: 0.8 meaning + 0.2 words). "
        "`min_score` filters on it. It is not the order of `results`: the re-ranker may put a "
        "match above one with a higher score."
    )
    claim = serializers.CharField()
    matched_text = serializers.CharField(
        allow_blank=True, help_text="The quoted words of a desk fact; a fact-check's headline."
    )
    shared_terms = serializers.ListField(
        child=serializers.CharField(), help_text="Words shared with a desk fact's claim."
    )
    verdict = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    publisher = serializers.CharField(allow_blank=True)
    date = serializers.DateField(
        allow_null=True, help_text="When the fact was published or the fact-check reviewed."
    )
    url = serializers.URLField(help_text="The desk fact in this API, or the fact-check's own page.")


class MatchResponseSerializer(serializers.Serializer):
    results = MatchSerializer(
        many=True,
        help_text="Best first, in the re-ranked order: the 20 best by `score` are re-read by a "
        "cross-encoder and placed by reciprocal-rank fusion of its order and theirs, the rest "
        "follow by `score`; so scores need not descend. With the re-ranker off "
        "(`FACTDESK_MATCH_RERANK=0`) or unavailable, the order is by `score`.",
    )


class FactArticleSerializer(RowSerializer):
    id = serializers.IntegerField(source="article_id")
    title = serializers.CharField(source="article_title")
    url = serializers.CharField(allow_blank=True, source="article_url")
    publisher = serializers.CharField(allow_blank=True, source="article_publisher")
    published_at = serializers.DateTimeField(allow_null=True, source="article_published_at")
    language = serializers.CharField(
        allow_blank=True,
        source="article_language",
        help_text="ISO 639 code of the article's language (detected, or set by a person); "
        '"" when not known.',
    )


class FactEvidenceSerializer(RowSerializer):
    rank = serializers.IntegerField(
        help_text="Place in this list, from 1: passages a reviewer chose come first, then the "
        "machine's, best first."
    )
    chosen_by = serializers.ChoiceField(
        choices=["reviewer", "machine"],
        help_text="`reviewer`: a person chose or kept this passage; `machine`: the cross-check "
        "found it and no person added it.",
    )
    source_id = serializers.IntegerField()
    source_url = serializers.CharField(
        allow_blank=True, help_text="Empty for an uploaded file or pasted text."
    )
    source_title = serializers.CharField(
        allow_blank=True,
        help_text="The title the annotator gave, else the archived page's own title.",
    )
    source_kind = serializers.ChoiceField(
        choices=SourceKind.choices, help_text="A web address, an uploaded file or pasted text."
    )
    snapshot_id = serializers.IntegerField()
    archived_at = serializers.DateTimeField()
    start = serializers.IntegerField(help_text="Code point offset into the snapshot's text.")
    end = serializers.IntegerField(help_text="End, exclusive.")
    score = serializers.FloatField()
    text = serializers.CharField()


class FactLinksSerializer(RowSerializer):
    self = serializers.URLField()
    claimreview = serializers.URLField()
    annotation = serializers.URLField()


# The one declaration of a fact's JSON: the schema reads these fields and `fact_dicts` renders
# rows with them (rows.py), so a field declared here is in the schema and every response at once.
class FactSerializer(RowSerializer):
    """The shape of a fact, for the schema; `fact_dicts` builds it (schemathesis checks both)."""

    id = serializers.IntegerField()
    claim_id = serializers.IntegerField()
    claim = serializers.CharField(source="claim_text")
    quote = serializers.CharField()
    speaker = serializers.CharField(allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField())
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    rating_value = serializers.IntegerField(allow_null=True, min_value=1, max_value=5)
    rationale = serializers.CharField()
    article = FactArticleSerializer(source="*")
    evidence = FactEvidenceSerializer(many=True)
    status = serializers.ChoiceField(choices=["published", "retracted"])
    source_flag = serializers.ChoiceField(
        choices=["", "source_changed", "source_gone"],
        help_text="Set when a periodic re-check found a cited source changed or gone.",
    )
    under_review = serializers.BooleanField(
        help_text="Published, but its claim is being reviewed again (the article was edited)."
    )
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    retracted_at = serializers.DateTimeField(allow_null=True)
    retraction_reason = serializers.CharField(allow_blank=True)
    links = FactLinksSerializer()


def fact_dicts(
    rows: list[dict], *, tags: dict[int, list[str]], evidence: dict[int, list[dict]], base_url: str
) -> list[dict]:
    """Fact rows (selectors.fact_rows) with their tags and evidence, as the API's JSON.

    Adds to each row the values FactSerializer reads that are not columns, then renders it.
    """
    render = FactSerializer.row_renderer()
    facts = []
    for row in rows:
        url = f"{base_url}{row['id']}/"
        row["tags"] = tags.get(row["claim_id"], [])
        row["evidence"] = evidence.get(row["check_run_id"], [])
        row["rating_value"] = RATING_VALUES[Verdict(row["verdict"])]
        row["status"] = "retracted" if row["retracted_at"] else "published"
        row["under_review"] = fact_row_under_review(row)
        row["links"] = {
            "self": url,
            "claimreview": f"{url}claimreview/",
            "annotation": f"{url}annotation/",
        }
        facts.append(render(row))
    return facts
