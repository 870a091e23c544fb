"""Create an article from a web address, with the same safe fetcher and extractor as sources."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from annotations.models import Article
from annotations.services import article_create
from verification.sources import extraction, fetching
from verification.sources.archive import fetch_policy


def article_import_url(*, url: str, user: AbstractBaseUser, title: str = "") -> Article:
    """Fetch `url`, extract its main text and create an article from it.

    Fetch and extraction failures become a ValidationError on `url` with the reason in words.
    """
    if not (user and user.is_authenticated and user.has_perm("annotations.add_article")):
        raise PermissionDenied(gettext("You do not have permission to add articles."))
    try:
        result = fetching.fetch(url, fetch_policy())
        extracted = extraction.extract(result.body, result.content_type, url=result.final_url)
    except fetching.FetchError as error:
        raise ValidationError(
            {
                "url": gettext("The page could not be fetched: %(reason)s.")
                % {"reason": error.reason}
            }
        ) from None
    except extraction.ExtractionError as error:
        raise ValidationError(
            {"url": gettext("No article text could be extracted: %(reason)s.") % {"reason": error}}
        ) from None
    if not extracted.text.strip():
        raise ValidationError({"url": gettext("The page has no article text to annotate.")})
    return article_create(
        title=(title or extracted.title or result.final_url)[:500],
        text=extracted.text,
        url=result.final_url,
        user=user,
    )
