"""The demo desk: the seed article with its main claims, a follow-up that distorts some, and
a few earlier fact-checks of such claims for the library (all written for the demo).

Loading is idempotent: articles are keyed by title, claims by (article, quote), sources by title,
earlier fact-checks by url (the library's upsert: loading twice changes nothing).
"""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.crypto import get_random_string

from annotations import services as annotation_services
from annotations.core.roles import group_ensure, roles_ensure
from annotations.models import Article, Claim, ClaimKind, ClaimStatus, Source, SourceKind
from verification.checks.services import claim_submit
from verification.library import services as library_services
from verification.library.claimreview import read_records

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_TITLE = "Russia threatens to arm North Korea if South Korea sends weapons to Ukraine"
FOLLOW_UP_TITLE = "DEMO (written for Factdesk, not a real article): Medvedev warns Seoul"
# ClaimReview records written for the demo (publisher factcheck.example.org, headlines marked
# DEMO), about claims like the seed article's, so the Already checked panel has matches.
FACTCHECKS_FILE = "factchecks.jsonl"


@dataclass(frozen=True)
class DemoClaim:
    quote: str
    kind: str
    speaker: str = ""
    text: str = ""
    faithful: bool | None = None  # follow-up claims: True restates the seed, False distorts it


SEED_CLAIMS = [
    DemoClaim(
        "Russia is threatening to provide weapons to North Korea if South Korea sends military "
        "assistance to embattled Ukraine.",
        ClaimKind.EVENT,
    ),
    DemoClaim(
        "I wonder what the inhabitants of this country will say when they see the latest samples "
        "of Russian weapons from their closest neighbors",
        ClaimKind.QUOTE,
        speaker="Dmitry Medvedev",
    ),
    DemoClaim(
        "Russia would receive over two dozen kinds of weapons and munitions from Pyongyang",
        ClaimKind.STATISTIC,
        speaker="John Kirby",
    ),
    DemoClaim(
        "Ashot Mkrtychev, a 56-year-old Slovakian man",
        ClaimKind.STATISTIC,
        text="Ashot Mkrtychev is a 56-year-old Slovakian man.",
    ),
    DemoClaim(
        "North Korea voted against a U.N. resolution condemning Russia's invasion of Ukraine",
        ClaimKind.EVENT,
    ),
]

FOLLOW_UP_CLAIMS = [
    DemoClaim(
        "Russia has threatened to supply weapons to North Korea if South Korea sends military aid "
        "to Ukraine.",
        ClaimKind.EVENT,
        faithful=True,
    ),
    DemoClaim(
        "I wonder what the inhabitants of this country will say when they see the latest samples "
        "of Russian weapons from their closest neighbors",
        ClaimKind.QUOTE,
        speaker="Dmitry Peskov",
        text="Dmitry Peskov said: “I wonder what the inhabitants of this country will say when "
        "they see the latest samples of Russian weapons from their closest neighbors.”",
        faithful=False,
    ),
    DemoClaim(
        "Russia would receive over three dozen kinds of weapons and munitions from Pyongyang",
        ClaimKind.STATISTIC,
        speaker="White House",
        faithful=False,
    ),
    DemoClaim(
        "Ashot Mkrtychev, a 65-year-old Slovakian man",
        ClaimKind.STATISTIC,
        text="Ashot Mkrtychev is a 65-year-old Slovakian man.",
        faithful=False,
    ),
    DemoClaim(
        "North Korea voted against a U.N. resolution condemning Russia's invasion of Ukraine.",
        ClaimKind.EVENT,
        faithful=True,
    ),
]


def _read(name: str) -> str:
    path = DATA_DIR / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"Demo file {path} cannot be read: {error.strerror}.") from None


def _article(title: str, text: str, user, **fields) -> tuple[Article, bool]:
    existing = Article.objects.filter(title=title).first()
    if existing is not None:
        return existing, False
    return annotation_services.article_create(title=title, text=text, user=user, **fields), True


def _claim(article: Article, spec: DemoClaim, user) -> tuple[Claim, bool]:
    existing = Claim.objects.filter(article=article, quote_exact=spec.quote).first()
    if existing is not None:
        return existing, False
    claim = annotation_services.claim_create(
        article=article,
        exact=spec.quote,
        text=spec.text or spec.quote,
        speaker=spec.speaker,
        kind=spec.kind,
        tags=["demo", "russia-north-korea"],
        user=user,
    )
    return claim, True


DESK_ADMIN = "desk admin"
DESK_ADMIN_PERMISSIONS = [
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "auth.view_group",
    "webhooks.view_subscription",
    "webhooks.add_subscription",
    "webhooks.change_subscription",
    "webhooks.delete_subscription",
    "webhooks.view_delivery",
    "webhooks.view_deliveryattempt",
    "library.view_claimreviewfeed",
    "library.add_claimreviewfeed",
    "library.change_claimreviewfeed",
    "library.delete_claimreviewfeed",
    # Lift a sign-in pause (project/signin.py) by deleting its access attempt.
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
]
"""Add colleagues and give them roles in the admin's Users page, manage the desk's webhooks
and follow ClaimReview feeds."""


def demo_users() -> list[tuple[str, list[str]]]:
    """Two local accounts, so the four-eyes rule can be tried: one reviews, the other publishes.

    `demo` also manages users, so a desk started with `make run` can add its colleagues.
    """
    return [
        ("demo", ["annotator", "reviewer", "publisher", DESK_ADMIN]),
        ("demo2", ["reviewer", "publisher"]),
    ]


def desk_admin_ensure() -> Group:
    """The group whose members add users and give them roles; safe to re-run."""
    return group_ensure(DESK_ADMIN, DESK_ADMIN_PERMISSIONS)


def demo_load(*, password_file: Path, submit: bool = True) -> dict:
    """Load the demo desk; return what was created and the demo accounts' credentials."""
    roles_ensure()
    desk_admin_ensure()
    credentials = _demo_accounts(password_file)
    user = get_user_model().objects.get(username="demo")
    report = {
        "articles": 0,
        "claims": 0,
        "submitted": 0,
        "factchecks": 0,
        "accounts": credentials,
    }
    with transaction.atomic():
        seed_text = _read("seed-article.txt")
        seed, created = _article(SEED_TITLE, seed_text, user)
        report["articles"] += created
        for spec in SEED_CLAIMS:
            report["claims"] += _claim(seed, spec, user)[1]
        follow_up, created = _article(
            FOLLOW_UP_TITLE, _read("follow-up.txt"), user, publisher="Factdesk demo"
        )
        report["articles"] += created
        source = Source.objects.filter(kind=SourceKind.TEXT, title=SEED_TITLE).first()
        if source is None:
            source = Source.objects.create(
                kind=SourceKind.TEXT, title=SEED_TITLE, text=seed.text, created_by=user
            )
        new_claims = []
        for spec in FOLLOW_UP_CLAIMS:
            claim, created = _claim(follow_up, spec, user)
            source.claims.add(claim)
            report["claims"] += created
            if created:
                new_claims.append(claim)
        if submit:
            for claim in new_claims:
                if claim.status == ClaimStatus.DRAFT:
                    claim_submit(claim=claim, user=user)
                    report["submitted"] += 1
    report["factchecks"] = _factchecks_load()
    return report


def _factchecks_load() -> int:
    """Import the demo's earlier fact-checks with their vectors; return how many were new."""
    imported = library_services.factchecks_import(
        items=read_records(_read(FACTCHECKS_FILE), name=FACTCHECKS_FILE)
    )
    if imported.refused:
        problems = "; ".join(str(problem) for problem in imported.refused)
        raise CommandError(f"Demo file {FACTCHECKS_FILE} has bad records: {problems}.")
    return imported.created


def _demo_accounts(password_file: Path) -> list[tuple[str, str]]:
    """Create the demo accounts once with random passwords, kept in a local file (mode 600)."""
    saved = {}
    if password_file.exists():
        for line in password_file.read_text(encoding="utf-8").splitlines():
            name, _, password = line.partition(" ")
            saved[name] = password
    User = get_user_model()
    credentials = []
    for name, roles in demo_users():
        password = saved.get(name) or get_random_string(16)
        user, created = User.objects.get_or_create(username=name, defaults={"is_staff": True})
        if created or not user.check_password(password):
            user.set_password(password)
            user.is_staff = True
            user.save()
        user.groups.set(Group.objects.filter(name__in=roles))
        credentials.append((name, password))
    password_file.parent.mkdir(parents=True, exist_ok=True)
    password_file.write_text("".join(f"{n} {p}\n" for n, p in credentials), encoding="utf-8")
    password_file.chmod(0o600)
    return credentials
