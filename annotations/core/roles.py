"""The desk's roles as Django groups, each with the permissions it needs and no more."""

from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.core.exceptions import PermissionDenied
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
    "library.view_factcheck",
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
        "annotations.delete_claim",
        "verification.add_checkrun",
        "verification.add_evidence",
        "verification.delete_evidence",
    ],
    "publisher": _VIEW_ALL + ["verification.add_fact", "verification.change_fact"],
}


# What each permission lets a person do, in the words a refusal uses ("Only publishers can
# publish facts."). A permission not listed is named after its model ("change sources").
PERMISSION_ACTIONS = {
    "annotations.add_article": _("add articles"),
    "annotations.change_article": _("edit articles"),
    "annotations.add_claim": _("mark claims"),
    "annotations.change_claim": _("submit claims"),
    "annotations.add_source": _("attach sources"),
    "annotations.change_source": _("retry sources"),
    "annotations.delete_claim": _("delete draft claims"),
    "verification.view_checkrun": _("read check runs"),
    "verification.view_sourcesnapshot": _("read source snapshots"),
    "verification.add_checkrun": _("re-run checks"),
    "verification.add_review": _("review claims"),
    "verification.add_evidence": _("add evidence"),
    "verification.delete_evidence": _("remove evidence"),
    "verification.add_fact": _("publish facts"),
    "verification.change_fact": _("retract facts"),
}
# The permission each verification service checks (the admin pages ask the same questions).
PERM_REVIEW = "verification.add_review"
PERM_PUBLISH = "verification.add_fact"
PERM_RETRACT = "verification.change_fact"
PERM_SUBMIT = "annotations.change_claim"
PERM_RERUN = "verification.add_checkrun"
PERM_EVIDENCE_ADD = "verification.add_evidence"
PERM_EVIDENCE_REMOVE = "verification.delete_evidence"

# The roles as a refusal names them ("Only reviewers can ...").
ROLE_NAMES = {
    "annotator": _("annotators"),
    "reviewer": _("reviewers"),
    "publisher": _("publishers"),
}
_VERBS = {"view": "read", "add": "add", "change": "change", "delete": "delete"}


def role_refusal(codes: list[str] | tuple[str, ...], action: str = "") -> str:
    """A refusal naming the roles that may do this: "Only publishers can publish facts."."""
    if not action:
        actions = []
        for code in codes:
            if code in PERMISSION_ACTIONS:
                actions.append(str(PERMISSION_ACTIONS[code]))
            else:
                verb, _sep, model = code.partition(".")[2].partition("_")
                actions.append(f"{_VERBS.get(verb, verb)} {model}s")
        action = _listed(actions)
    else:
        # The callers pass one of PERMISSION_ACTIONS' phrases, so the catalog has it.
        action = gettext(action)
    names = [
        str(ROLE_NAMES.get(name, f"{name}s"))
        for name, granted in ROLES.items()
        if set(codes) <= set(granted)
    ]
    if not names:
        return gettext("No role can %(action)s; ask an administrator.") % {"action": action}
    return gettext("Only %(roles)s can %(action)s.") % {"roles": _listed(names), "action": action}


def _listed(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c" in the active language."""
    if len(items) == 1:
        return items[0]
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


role_refusal_lazy = lazy(role_refusal, str)
"""role_refusal, read when shown: for refusals made at import time (API permission classes)."""


def permission_require(user: AbstractBaseUser, permission: str, action: str) -> None:
    """Refuse (PermissionDenied naming the roles that may) unless the user has the permission."""
    if not (user and user.is_authenticated and user.has_perm(permission)):
        raise PermissionDenied(role_refusal([permission], action))


def group_ensure(name: str, codes) -> Group:
    """Create or update the group `name` so it has exactly these permissions ("app.codename")."""
    group, _ = Group.objects.get_or_create(name=name)
    permissions = []
    for code in codes:
        app_label, codename = code.split(".")
        permissions.append(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    group.permissions.set(permissions)
    return group


def roles_ensure() -> dict[str, int]:
    """Create or update the role groups so each has exactly its permissions; safe to re-run."""
    counts = {}
    for name, codes in ROLES.items():
        group_ensure(name, codes)
        counts[name] = len(codes)
    return counts
