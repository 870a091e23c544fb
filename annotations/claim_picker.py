"""The source page's claim picker: searched as you type, each claim named with its article.

Claims from every article are candidates, and two articles often hold the same words ("The
minister said"); the article's title tells them apart. A search returns a page of 20, so the
picker stays usable with any number of claims, where a list of all of them did not.
"""

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.urls import reverse

from annotations.models import Claim
from annotations.text import shorten

URL_NAME = "annotations_claim_autocomplete"


def claim_choice_label(claim: Claim) -> str:
    """The claim's words and, after a dash, the title of its article."""
    return f"{shorten(claim.text, 70)} — {shorten(claim.article.title, 40)}"


def claims_for_picker():
    """Claims with their article's title in the same query; an article's text can be megabytes."""
    return Claim.objects.select_related("article").defer("article__text")


class ClaimSearchView(AutocompleteJsonView):
    """The picker's search results (the claim admin's search fields), labelled with the article."""

    def get_queryset(self):
        return super().get_queryset().select_related("article").defer("article__text")

    def serialize_result(self, obj: Claim, to_field_name: str) -> dict:
        return {**super().serialize_result(obj, to_field_name), "text": claim_choice_label(obj)}


class ClaimPicker(AutocompleteSelectMultiple):
    """Django's autocomplete widget, asking ClaimSearchView instead of the site-wide search."""

    def get_url(self) -> str:
        return reverse(f"{self.admin_site.name}:{URL_NAME}")
