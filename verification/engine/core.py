"""crosscheck(): retrieve passages, run the checks, aggregate into a stance."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import checks, decision, languages, learned, stance
from .bm25 import BM25
from .checks import TextView
from .lexicon import SAY_VERBS
from .messages import finding, say
from .passages import Passage, split_passages
from .results import CheckResult, ClaimInput, EvidenceSpan, Finding, SourceInput
from .text import content_stems, passage_content_stems, tokenize

ENGINE_VERSION = "rules-lr-1.0"

# Work bounds: a several-MB source is split and indexed, but only a few passages get the
# expensive checks, and nothing reads past these limits.
MAX_CLAIM_CHARS = 5_000
MAX_SOURCE_CHARS = 5_000_000
MAX_PASSAGES = 50_000
MAX_TOKENS_PER_PASSAGE = 400
RERANK_CANDIDATES = 30
CHECKED_PASSAGES = 3
QUOTE_PASSAGES = 20
# Re-rank = a*BM25/best BM25 + b*weighted claim-word coverage + c*bigram coverage + d*shared
# numbers. Chosen on passages pooled from eval/train pages (verification/engine/README.md):
# plain BM25 order beat every mix with claim-word coverage there.
RERANK_WEIGHTS = (1.0, 0.0, 0.0, 0.05)
# The stance is read off the top passage that repeats most of the claim's wording (better than
# the top BM25 passage on pooled eval/train pages: 0.731 vs 0.714 accuracy).
CHECK_BY_COVERAGE = True
# How many of the rules' top passages the learned model re-orders for the evidence list.
MODEL_RERANK_PASSAGES = 20
# The evidence list favours passages that cover claim words the earlier picks did not.
DIVERSITY_WEIGHT = 1.0
# Claim and two passages up to this length fit the model's 128 tokens whole (about 4.5
# characters a token in English news and encyclopaedia text).
PAIR_READ_CHARS = 500
# Only passages whose relevance is on one scale (all judged by the model, or all by BM25).
DIVERSITY_POOL = MODEL_RERANK_PASSAGES

PRONOUNS = frozenset({"he", "she", "it", "they", "his", "her", "its", "their", "this", "these"})
# German and Czech quotes open with „ and close with “ (U+201C).
_QUOTE_IN_CLAIM = re.compile(
    r"[\u201c\"\u00ab\u201e]([^\u201d\"\u00bb\u201c]{12,}?)[\u201d\"\u00bb\u201c]"
)


@dataclass
class _Candidate:
    passage: Passage
    view: TextView
    bm25: float
    score: float = 0.0


@dataclass
class Analysis:
    """Everything crosscheck computed before the final stance; train.py fits on `features`."""

    features: list[float]
    keys: list[str]
    evidence: list[EvidenceSpan]
    findings: list[Finding]
    quote_outcome: str | None
    speaker_outcome: str | None
    empty: bool
    # The stance model's most decisive reading of the top passages, when it read them, and how
    # many passages it read together for it.
    model_reading: dict[str, float] | None = None
    model_read: int = 0
    # What runs for the languages of the claim and its sources (languages.py).
    language_plan: languages.LanguagePlan | None = None


# Lower-case words a title keeps ("The Lord of the Rings", "Alice's Adventures in Wonderland").
_TITLE_SMALL_WORDS = frozenset(
    "a an the of in on at to for and or but nor with by from as into de du la le les von van der "
    "den del da di".split()
)
_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")


def _is_title(phrase: str, before: str) -> bool:
    """A quoted name ("The Hunger Games: Mockingjay - Part 2"), not somebody's words.

    Capitalised words alone do not make a title: slogans and posts are quoted in capitals
    ("NO COLLUSION", "Get Brexit Done!"), so a phrase in upper case, one that ends like a
    sentence, a long one, or one that follows a verb of saying is taken as a quotation.
    """
    words = _WORD.findall(phrase)
    big = [w for w in words if w.casefold() not in _TITLE_SMALL_WORDS]
    said = _WORD.findall(before[-40:].casefold())[-3:]
    return (
        bool(big)
        and all(w[0].isupper() for w in big)
        and any(ch.islower() for ch in phrase)
        and not phrase.rstrip().endswith((".", "!", "?"))
        and len(words) <= 12
        and not SAY_VERBS.intersection(said)
    )


def _claim_quote(claim: ClaimInput) -> str | None:
    """The quoted words to look for: the annotator's, else quotation marks in the claim that
    hold words rather than a title (a claim with a named speaker always quotes)."""
    if claim.quote and claim.quote.strip():
        return claim.quote.strip()
    for m in _QUOTE_IN_CLAIM.finditer(claim.text):
        phrase = m.group(1)
        if len(phrase.split()) < 3:
            continue
        if claim.speaker or not _is_title(phrase, claim.text[: m.start()]):
            return phrase
    return None


@dataclass
class SourceIndex:
    """Sources split into passages and indexed once; reused by every claim checked against them."""

    sources: Sequence[SourceInput]
    passages: list[Passage]
    texts: list[str]
    titles: list[list]
    bm25: BM25


def build_index(sources: Sequence[SourceInput]) -> SourceIndex:
    """Split and index the sources (the costly part for a big source), within the work bounds."""
    passages: list[Passage] = []
    texts: list[str] = []
    for si, src in enumerate(sources):
        text = src.text or ""
        texts.append(text)
        budget = MAX_PASSAGES - len(passages)
        if budget <= 0:
            break
        passages.extend(p for p in split_passages(text[:MAX_SOURCE_CHARS], si, max_passages=budget))
    titles = [tokenize((s.title or "")[:500], limit=50) for s in sources]
    bm25 = BM25(
        [
            passage_content_stems(texts[p.source_index][p.start : p.end], MAX_TOKENS_PER_PASSAGE)
            for p in passages
        ]
    )
    return SourceIndex(sources, passages, texts, titles, bm25)


Judge = Callable[[str, list[str]], list[dict[str, float]]]


def _text_of(c: _Candidate) -> str:
    return c.view.text[c.passage.start : c.passage.end]


def _most_decisive(
    claim: str, ranked: list[_Candidate], judged: list[dict], judge: Judge
) -> tuple[dict[str, float], list[_Candidate]]:
    """The model's reading of the passage it finds most relevant, or of the two most relevant
    read together when that reading is more decisive (a claim often joins two facts that a page
    states in two sentences), with the passages it read. Only passages of one source are read
    together, in the source's order ("She" then refers to whom the page means), unless the pair
    is too long for the model to read whole: then the more relevant passage goes first, so the
    cut falls on the other.
    """
    best = (judged[0], ranked[:1])
    if len(ranked) < 2 or ranked[0].passage.source_index != ranked[1].passage.source_index:
        return best
    pair = ranked[:2]
    if len(claim) + sum(len(_text_of(c)) for c in pair) <= PAIR_READ_CHARS:
        pair = sorted(pair, key=lambda c: c.passage.start)
    both = judge(claim, [" ".join(_text_of(c) for c in pair)])[0]
    return (both, pair) if both["not_enough_info"] < best[0]["not_enough_info"] else best


def _diversified(ranked, relevance_of, query, idf, k):
    """The evidence list: the best passage, then passages with the claim words not yet shown.

    A claim with several parts ("X, who did Y, now runs Z") needs one passage per part; plain
    relevance order tends to return near-copies of the best passage instead.
    """
    weight = DIVERSITY_WEIGHT
    terms = {t: idf(t) for t in dict.fromkeys(query)}
    total = sum(terms.values()) or 1.0
    # The same words twice (a repeated heading, a byline) are shown once.
    seen: set[str] = set()
    pool = []
    for c in ranked[:DIVERSITY_POOL]:
        words = " ".join(c.view.text[c.passage.start : c.passage.end].split()).casefold()
        if words not in seen:
            seen.add(words)
            pool.append(c)
    top = max((relevance_of[id(c)] for c in pool), default=0.0) or 1.0
    # The most relevant passage leads; coverage only decides what comes after it.
    picked = pool[:1]
    pool = pool[1:]
    covered = set(terms) & picked[0].view.stems if picked else set()
    while pool and len(picked) < k:
        values = [
            relevance_of[id(c)] / top
            + weight
            * sum(w for t, w in terms.items() if t not in covered and t in c.view.stems)
            / total
            for c in pool
        ]
        best = pool[max(range(len(pool)), key=lambda i: (values[i], -i))]
        pool.remove(best)
        picked.append(best)
        covered |= terms.keys() & best.view.stems
    return picked + pool


def analyse(
    claim: ClaimInput,
    sources: Sequence[SourceInput],
    *,
    max_evidence: int = 5,
    judge: Judge | None = None,
    index: SourceIndex | None = None,
) -> Analysis:
    """Retrieve, re-rank and check; the stance model's reading is combined by crosscheck().

    `judge` (the learned model, when installed) reads the top passages: how much each bears
    on the claim orders the evidence shown, and its most decisive reading is kept for the
    stance. The checks keep reading the passage the rules pick, as their stance was fitted
    that way.
    """
    claim_text = (claim.text or "")[:MAX_CLAIM_CHARS]
    cview = TextView(
        claim_text,
        tokenize(claim_text, limit=MAX_TOKENS_PER_PASSAGE),
        reference_date=claim.claim_date,
    )
    quote = _claim_quote(claim)
    query = content_stems(cview.tokens)
    if quote:
        query += content_stems(tokenize(quote[:MAX_CLAIM_CHARS], limit=MAX_TOKENS_PER_PASSAGE))

    idx = index if index is not None else build_index(sources)
    passages, texts, titles = idx.passages, idx.texts, idx.titles
    sources = idx.sources
    plan = languages.language_plan(claim.language, [s.language for s in sources])
    if not plan.english:
        judge = None  # the stance model read only English

    def view(p: Passage) -> TextView:
        text = texts[p.source_index]
        return TextView(
            text,
            tokenize(text[p.start : p.end], p.start, MAX_TOKENS_PER_PASSAGE),
            sources[p.source_index].id,
            p.start,
            p.end,
            title_tokens=titles[p.source_index],
            reference_date=sources[p.source_index].date,
        )

    findings: list[Finding] = []
    if not passages or not query:
        why = "no_source_text" if not passages else "no_claim_words"
        findings.append(finding("retrieval", "info", f"retrieval.{why}"))
        return Analysis(
            stance.feature_vector({}, checks.coverage(cview, cview), 0, 0),
            [],
            [],
            findings,
            None,
            None,
            True,
        )

    bm = idx.bm25.scores(query)
    order = sorted(range(len(passages)), key=lambda i: (-bm[i], i))
    cands = [_Candidate(passages[i], view(passages[i]), bm[i]) for i in order[:RERANK_CANDIDATES]]
    top_bm = max(c.bm25 for c in cands) or 1.0
    claim_numbers = {t.norm for t in cview.tokens if t.is_num}
    for c in cands:
        cov = checks.coverage(cview, c.view)
        nums = len(claim_numbers & {t.norm for t in c.view.tokens if t.is_num})
        a, b, g, d = RERANK_WEIGHTS
        c.score = a * c.bm25 / top_bm + b * cov["cov_w"] + g * cov["bigram"] + d * min(nums, 3)
    cands.sort(key=lambda c: (-c.score, c.passage.source_index, c.passage.position))

    relevance_of = {id(c): c.score for c in cands}
    reading, model_read = None, 0
    if judge is not None and len(cands) > 1:
        top = cands[:MODEL_RERANK_PASSAGES]
        judged = judge(claim_text, [_text_of(c) for c in top])
        scores = [1.0 - p["not_enough_info"] for p in judged]
        relevance_of.update({id(c): s for c, s in zip(top, scores, strict=True)})
        ranked = sorted(range(len(top)), key=lambda i: (-scores[i], i))
        shown = [top[i] for i in ranked] + cands[len(top) :]
        reading, read = _most_decisive(
            claim_text, [top[i] for i in ranked], [judged[i] for i in ranked], judge
        )
        model_read = len(read)
    else:
        shown = cands
    shown = _diversified(shown, relevance_of, query, idx.bm25.idf, max_evidence)
    evidence = [
        EvidenceSpan(
            c.view.source_id or "",
            c.passage.start,
            c.passage.end,
            round(relevance_of[id(c)], 4),
            _text_of(c),
        )
        for c in shown[:max_evidence]
    ]

    best = cands[0].view
    if CHECK_BY_COVERAGE:
        # Among the top passages, check the one that repeats most of the claim's wording.
        best = max(
            cands[:CHECKED_PASSAGES], key=lambda c: checks.coverage(cview, c.view)["cov_w"]
        ).view
    cov = checks.coverage(cview, best)
    cview.counts.clear()
    findings += checks.check_quantities(cview, best)
    if plan.english:
        findings += checks.check_names(cview, best)
        findings += checks.check_polarity(cview, best)
    # A figure missing from the best passage may be in the next ones: say so, but the stance
    # is decided on the best passage alone (the model was fitted that way).
    for c in cands[:CHECKED_PASSAGES]:
        if c.view is best:
            continue
        probe = TextView(cview.text, cview.tokens, reference_date=claim.claim_date)
        for f in checks.check_quantities(probe, c.view):
            if f.outcome in ("agrees", "conflicts"):
                findings.append(
                    finding(
                        f.kind,
                        "info",
                        "elsewhere",
                        {"finding": say(f.code, **f.params)},
                        (f.claim_start, f.claim_end),
                        (f.source_id, f.source_start, f.source_end),
                    )
                )
    counts = Counter(cview.counts)
    counts["no_title"] = 0 if best.title_tokens else 1
    counts["pronoun_start"] = int(any(t.norm in PRONOUNS for t in best.tokens[:3]))
    features = stance.feature_vector(counts, cov, len(cview.tokens), len(cview.quantities))
    missing = [s for s in dict.fromkeys(cview.content) if s not in best.stems]
    keys = stance.lexical_keys(cview.tokens, best.tokens, missing)

    quote_outcome = speaker_outcome = None
    if quote:
        qviews = [c.view for c in cands[:QUOTE_PASSAGES]]
        outcome, (code, params), qview, qs, qe = checks.align_quote(quote, qviews)
        quote_outcome = outcome
        qstart = claim_text.find(quote)
        cs, ce = (qstart, qstart + len(quote)) if qstart >= 0 else (None, None)
        findings.insert(
            0,
            finding(
                "quote",
                outcome,
                code,
                params,
                (cs, ce),
                (qview.source_id, qs, qe) if qview else (None, None, None),
            ),
        )
        if claim.speaker and qview is not None and plan.english:
            said_by = checks.attributed_speaker(qview, qs, qe)
            if said_by is None:
                speaker_outcome, code = "info", "speaker.not_stated"
            elif checks.speaker_matches(claim.speaker, said_by):
                speaker_outcome, code = "agrees", "speaker.agrees"
            else:
                speaker_outcome, code = "conflicts", "speaker.mismatch"
            params = {"speaker": claim.speaker, "said_by": said_by}
            if said_by is None:
                del params["said_by"]
            elif code == "speaker.agrees":
                del params["speaker"]
            findings.insert(
                1,
                finding(
                    "speaker",
                    speaker_outcome,
                    code,
                    params,
                    source=(qview.source_id, qs, qe),
                ),
            )
    if not plan.english:
        findings += languages.check_iso_dates(
            claim_text, best.source_id or "", best.text, best.start, best.end
        )
        findings = [
            plan.finding(),
            *(f for f in findings if f.kind == "quote"),
            *languages.neutral_findings(
                findings, claim_text, {s.id: text for s, text in zip(sources, texts, strict=True)}
            ),
        ]
    return Analysis(
        features,
        keys,
        evidence,
        findings,
        quote_outcome,
        speaker_outcome,
        False,
        reading,
        model_read,
        plan,
    )


def _stance_of(probs: dict[str, float]) -> str:
    """The most probable stance; a tie goes to not enough info."""
    return max(probs, key=lambda k: (probs[k], k == "not_enough_info"))


def _model_finding(a: Analysis, reading: dict[str, float], overruled: bool) -> Finding:
    """What the stance model read, so a reviewer can see what weighed in the stance; the span is
    the passage it finds most relevant (the first evidence passage)."""
    said = _stance_of(reading)
    code = "model.read_with_next" if a.model_read > 1 else "model.read"
    if overruled:
        code += "_overruled"
    best = a.evidence[0]
    return finding(
        "model",
        "info",
        code,
        {"stance": said, "probability": float(reading[said])},
        source=(best.source_id, best.start, best.end),
    )


def explained_conflict(a: Analysis) -> bool:
    """A conflict the checks can explain (a number, a date, a name, a polarity, a quote)."""
    return any(f.outcome == "conflicts" for f in a.findings)


def model_reading(a: Analysis, claim: ClaimInput, judge: Judge) -> dict[str, float]:
    """The stance model's reading for the combination: of the top passages when it ranked
    them, else (a single passage) of the best evidence passage."""
    if a.model_reading is not None:
        return a.model_reading
    return judge((claim.text or "")[:MAX_CLAIM_CHARS], [a.evidence[0].text])[0]


def crosscheck(
    claim: ClaimInput,
    sources: Sequence[SourceInput],
    *,
    max_evidence: int = 5,
    use_model: bool = True,
    index: SourceIndex | None = None,
) -> CheckResult:
    """Check a claim against its sources: stance, confidence, ranked evidence and findings.

    With the learned stance model installed (and `use_model`), its most decisive reading of the
    top passages is combined with the rules' stance; the explicit checks below still have the
    last word.
    Pass `index=build_index(sources)` to check many claims against the same sources: the
    sources are then split and indexed once.
    """
    second_opinion = learned.combiner() if use_model else None
    judge = second_opinion.judge if second_opinion is not None else None
    a = analyse(claim, sources, max_evidence=max_evidence, judge=judge, index=index)
    version = ENGINE_VERSION
    if a.empty:
        probs = {"supports": 0.0, "refutes": 0.0, "not_enough_info": 1.0}
    elif a.language_plan is not None and not a.language_plan.english:
        probs = languages.neutral_probabilities(a.findings)
    else:
        probs = stance.predict(a.features, a.keys)
        if second_opinion is not None and a.evidence:
            reading = model_reading(a, claim, second_opinion.judge)
            combined = second_opinion.combine(probs, reading)
            # A conflict the checks can explain (a number, a date, a quote, a polarity) may not
            # be talked into "supports" by the model, which reads wording and misses figures:
            # the rules, which saw the conflict, keep the stance then. Otherwise the model may
            # still tell refutes from not enough info, which the rules often cannot.
            overruled = explained_conflict(a) and _stance_of(combined) == "supports"
            if not overruled:
                probs = combined
            a.findings.append(_model_finding(a, reading, overruled))
            version = f"{ENGINE_VERSION}+{second_opinion.version}"
    label = _stance_of(probs)
    confidence = probs[label]
    # Quotes and speakers are not in the training data, so these rules are hand-set: a quote
    # the sources do not contain, or put in someone else's mouth, outweighs the wording check.
    if a.quote_outcome == "missing":
        label, confidence = "not_enough_info", max(0.6, probs["not_enough_info"])
    elif a.quote_outcome == "conflicts" or a.speaker_outcome == "conflicts":
        label, confidence = "refutes", max(0.7, probs["refutes"])
    elif (
        a.quote_outcome == "agrees"
        and label == "not_enough_info"
        and a.speaker_outcome in (None, "agrees")
    ):
        label, confidence = "supports", max(0.6, probs["supports"])
    return CheckResult(
        stance=label,
        confidence=float(confidence),
        evidence=a.evidence,
        findings=decision.findings_for_stance(label, a.findings),
        engine_version=version,
        probabilities=probs,
    )
