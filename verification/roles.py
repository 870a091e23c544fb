"""The desk's roles as Django groups, each with the permissions it needs and no more."""

from django.contrib.auth.models import Group, Permission

_VIEW_ALL = [
    "annotations.view_article",
    "annotations.view_articlerevision",
    "annotations.view_claim",
    "annotations.view_claimtransition",
    "annotations.view_source",
    "annotations.view_tag",
    "verification.view_sourcesnapshot",
    "verification.view_checkrun",
    "verification.view_evidence",
    "verification.view_finding",
    "verification.view_review",
    "verification.view_fact",
]

ROLES: dict[str, list[str]] = {
    "annotator": _VIEW_ALL
    + [
        "annotations.add_article",
        "annotations.change_article",
        "annotations.add_claim",
        "annotations.change_claim",
        "annotations.add_source",
        "annotations.change_source",
        "annotations.add_tag",
        "verification.add_checkrun",
    ],
    "reviewer": _VIEW_ALL
    + [
        "verification.add_review",
        "verification.add_checkrun",
        "verification.add_evidence",
        "verification.delete_evidence",
    ],
    "publisher": _VIEW_ALL + ["verification.add_fact", "verification.change_fact"],
}


def roles_ensure() -> dict[str, int]:
    """Create or update the role groups so each has exactly its permissions; safe to re-run."""
    counts = {}
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts
