"""Admin forms for articles and claims: parse and validate input; writes happen in services.

Uploaded articles are turned into text here (plain text decoded, HTML stripped with Python's
``html.parser``, PDF read with pypdf), because ``annotations`` never imports ``verification``
and its extraction module.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from annotations import anchoring, selectors, services
from annotations.language import language_choices
from annotations.models import Article, Claim, ClaimKind, Source, SourceKind
from annotations.text import context_after, context_before, shorten
from annotations.uploads import article_text_from_upload, refuse_oversized_upload

SOURCE_UPLOAD_SUFFIXES = (".txt", ".html", ".htm", ".pdf")


class TextAsSentField(forms.CharField):
    """Text kept as typed or pasted: canonical (NFC, "\n" line ends) and never trimmed.

    Django's CharField strips leading and trailing whitespace; an article, a quote or a pasted
    source would then differ from what was sent, and a selector whose context holds that
    whitespace would no longer anchor. Browsers send a textarea's line ends as CRLF, so the
    canonical form is what makes the admin and the API store the same text.
    """

    def __init__(self, **kwargs) -> None:
        kwargs["strip"] = False
        kwargs.setdefault("widget", forms.Textarea)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return anchoring.canonical_text(value) if value else value


# --- Articles ----------------------------------------------------------------------------------


class ArticleForm(forms.ModelForm):
    """Change an article; a changed text is re-anchored by the admin through the service."""

    url = forms.URLField(max_length=2000, required=False, assume_scheme="https")

    language = forms.ChoiceField(
        required=False,
        choices=language_choices,
        label=_("Language"),
        help_text=_(
            "Detected from the text when it is saved; choose another if the detection is wrong "
            "(or unknown to detect it again). Checks that read only English skip other languages."
        ),
    )

    class Meta:
        model = Article
        fields = ("title", "text", "url", "publisher", "published_at", "language")
        field_classes = {"text": TextAsSentField}


class ArticleCreateForm(ArticleForm):
    """Create an article from pasted text or an uploaded .txt, .html or .pdf file."""

    upload = forms.FileField(
        required=False,
        label=_("Or upload a file"),
        help_text=_(
            "A .txt (UTF-8), .html or .pdf file; its text becomes the article text. "
            "The title is taken from the file when left empty."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["text"].required = False
        self.fields["text"].help_text = _("Paste the article text, or upload a file below.")
        url_help = _(
            "Where the article was published, kept for the record: nothing is fetched from it."
        )
        if import_url := _article_import_url():
            url_help = format_html(
                _('{} To fetch the article from its address, use <a href="{}">{}</a>.'),
                url_help,
                import_url,
                _("Import from a web address"),
            )
        self.fields["url"].help_text = url_help

    def clean(self):
        data = super().clean()
        text, upload = data.get("text", ""), data.get("upload")
        if upload and text.strip():
            raise ValidationError(_("Paste the text or upload a file, not both."))
        import_url = _article_import_url()
        if data.get("url") and not upload and not text.strip() and import_url:
            # Only an address: the annotator meant to import the page, so the title this form
            # would also ask for is beside the point.
            self.add_error(
                "text",
                format_html(
                    _(
                        'This form does not fetch the address. Use <a href="{}">{}</a>, or paste '
                        "the article text or upload a file."
                    ),
                    import_url,
                    _("Import from a web address"),
                ),
            )
            return data
        if upload:
            try:
                title, data["text"] = article_text_from_upload(upload)
            except ValidationError as error:
                self.add_error("upload", error)
                return data
            if not data.get("title", "").strip():
                data["title"] = title[:500]
        elif not text.strip():
            self.add_error("text", _("Paste the article text or upload a file."))
        if not data.get("title", "").strip() and not self.has_error("upload"):
            self.add_error("title", _("The article needs a title."))
        return data


def _article_import_url() -> str:
    """The admin page that imports an article from its address, where one is installed.

    The verification app adds it; annotations runs without it, so it is looked up by name.
    """
    try:
        return reverse("admin:annotations_article_import")
    except NoReverseMatch:
        return ""


# --- Claims ------------------------------------------------------------------------------------


class SelectionPreview(forms.Widget):
    """Show the selected words read-only, with their context in the article."""

    def __init__(
        self,
        *,
        prefix: str = "",
        exact: str = "",
        suffix: str = "",
        note: str = "",
        error: bool = False,
    ):
        super().__init__()
        self.prefix, self.exact, self.suffix, self.note = prefix, exact, suffix, note
        self.error = error

    def render(self, name, value, attrs=None, renderer=None):
        if not self.exact:
            return format_html(
                '<div class="fd-selection-preview{}" id="id_{}" role="{}">{}</div>',
                " fd-selection-error errornote" if self.error else "",
                name,
                "alert" if self.error else "note",
                self.note or _("No selection."),
            )
        return format_html(
            '<div class="fd-selection-preview" id="id_{}" dir="auto">'
            '<span class="fd-context">{}</span><mark class="fd-selected">{}</mark>'
            '<span class="fd-context">{}</span></div>',
            name,
            self.prefix,
            self.exact,
            self.suffix,
        )

    def value_from_datadict(self, data, files, name):
        return self.exact


class ClaimCreateForm(forms.ModelForm):
    """Create a claim from a selection (UTF-16 offsets from the browser) or a typed quote.

    With ``start`` and ``end`` (UTF-16 code units, as the browser counts them) the quote is the
    article text between them, shown read-only; otherwise the annotator types the quote.
    """

    quote = TextAsSentField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The exact words in the article that make the claim."),
    )
    start = forms.IntegerField(required=False, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    tag_names = forms.CharField(
        required=False, label=_("Tags"), help_text=_("Comma-separated, e.g. defence, budget.")
    )
    source_url = forms.URLField(
        required=False, max_length=2000, assume_scheme="https", label=_("Source address")
    )
    source_title = forms.CharField(
        required=False,
        max_length=500,
        label=_("Source title"),
        help_text=_("Needed for pasted text; optional for an address or a file."),
    )
    source_text = TextAsSentField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("Source text (pasted)")
    )
    source_file = forms.FileField(
        required=False, label=_("Source file"), help_text=_("A .txt, .html or .pdf file.")
    )

    class Meta:
        model = Claim
        fields = ("article", "text", "speaker", "kind")
        field_classes = {"text": TextAsSentField}

    class Media:
        css = {"all": ["annotations/annotate.css"]}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False
        self.fields["text"].help_text = _(
            "The claim as a checkable sentence (defaults to the quote)."
        )
        self.fields["text"].widget.attrs["rows"] = 3
        self.fields["kind"].initial = ClaimKind.OTHER
        raw = self.data if self.is_bound else self.initial
        # What the claim is about so far, for pages that show facts already checked.
        self.selected_words = raw.get("text") or raw.get("quote") or ""
        self.from_selection = _present(raw.get("start")) or _present(raw.get("end"))
        if self.from_selection:
            self._show_selection(raw)

    def _show_selection(self, raw) -> None:
        """Lock the article and show the selected words in place of the quote box.

        A selection that cannot be used (a split emoji, offsets out of range, an unknown
        article, a text edited since) says why as soon as the page opens, not after Save.
        """
        self.fields["article"].widget = forms.HiddenInput()
        article = _article_or_none(raw.get("article"))
        problem = None
        preview = None
        if article is None:
            problem = (
                f"There is no article {raw.get('article') or ''} any more; open the article "
                "and select the words again."
            )
        else:
            if not self.is_bound and not _present(self.initial.get("text_version")):
                self.initial["text_version"] = article.text_version
            try:
                _check_text_version(article, raw.get("text_version"))
                start, end = _selection_codepoints(article, raw.get("start"), raw.get("end"))
            except ValidationError as error:
                problem = " ".join(error.messages)
            else:
                selector = anchoring.describe(article.text, start, end)
                # The stored selector's context is cut mid-word; the preview cuts between words.
                preview = SelectionPreview(
                    prefix=context_before(article.text[:start], anchoring.CONTEXT_LENGTH),
                    exact=selector.exact,
                    suffix=context_after(article.text[end:], anchoring.CONTEXT_LENGTH),
                )
                self.selected_words = selector.exact
            self.fields["article"].help_text = ""
            self.selected_article = article
        self.selection_problem = problem
        self.fields["quote"] = forms.CharField(
            required=False,
            disabled=True,
            widget=preview or SelectionPreview(note=problem, error=True),
            label=_("Selected words"),
            help_text=""
            if problem
            else _(
                "The quote is exactly what you selected; to change it, go back to the "
                "article and select again."
            ),
        )

    def clean_tag_names(self) -> list[str]:
        names = []
        for raw in self.cleaned_data.get("tag_names", "").split(","):
            if not raw.strip():
                continue
            name = slugify(raw)
            if not name:
                raise ValidationError(
                    gettext("“%(tag)s” is not a usable tag; use letters or digits.")
                    % {"tag": raw.strip()}
                )
            names.append(name[:64])
        return names

    def clean_source_url(self) -> str:
        return _fetchable_url(self.cleaned_data.get("source_url") or "")

    def clean_source_file(self):
        upload = self.cleaned_data.get("source_file")
        if upload is None:
            return None
        if not (upload.name or "").lower().endswith(SOURCE_UPLOAD_SUFFIXES):
            raise ValidationError(_("Upload a .txt, .html or .pdf file."))
        refuse_oversized_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        article = data.get("article")
        if self.from_selection:
            if article is not None:
                self._clean_selection(article, data)
        else:
            quote = data.get("quote", "")
            if not quote.strip():
                self.add_error("quote", _("Type the exact words of the claim, or select them."))
            elif article is not None:
                match = anchoring.match_quote(article.text, quote)
                if match is None or match.score < 1.0:
                    self.add_error(
                        "quote", _("These words are not in the article; copy them exactly.")
                    )
                else:
                    self._refuse_marked_span(article, match.start, match.end)
        if data.get("source_text", "").strip() and not data.get("source_title", "").strip():
            self.add_error("source_title", _("Give the pasted source a title."))
        return data

    def _clean_selection(self, article: Article, data: dict) -> None:
        _check_text_version(article, data.get("text_version"))
        data["selection"] = _selection_codepoints(article, data.get("start"), data.get("end"))
        self._refuse_marked_span(article, *data["selection"])

    def _refuse_marked_span(self, article: Article, start: int, end: int) -> None:
        """Say which claim already marks these words, with a link to it (services refuse too)."""
        existing = selectors.claim_on_span(article_id=article.pk, start=start, end=end)
        if existing is not None:
            self.add_error(
                None,
                format_html(
                    'Already marked as <a href="{}">claim {}</a> (“{}”); open it instead of '
                    "marking the same words again.",
                    reverse("admin:annotations_claim_change", args=[existing.pk]),
                    existing.pk,
                    shorten(existing.text),
                ),
            )

    def source_specs(self) -> list[dict]:
        """The sources to attach, as keyword arguments of the source services."""
        data, specs = self.cleaned_data, []
        title = data.get("source_title", "").strip()
        if data.get("source_url"):
            specs.append({"kind": "url", "url": data["source_url"], "title": title})
        if data.get("source_text", "").strip():
            specs.append({"kind": "text", "title": title, "text": data["source_text"]})
        if data.get("source_file") is not None:
            specs.append({"kind": "file", "uploaded": data["source_file"], "title": title})
        return specs


def _fetchable_url(url: str) -> str:
    """`url`, unless the fetcher would refuse it (an internal address): then the reason."""
    problem = services.source_url_problem(url) if url else None
    if problem:
        raise ValidationError(problem)
    return url


def _present(value) -> bool:
    return value is not None and str(value).strip() != ""


def _article_or_none(value) -> Article | None:
    try:
        return Article.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


def _check_text_version(article: Article, version) -> None:
    """Refuse offsets counted in an older text: they would point at other words now."""
    if not _present(version):
        return
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise ValidationError(_("The selection's text version is not a number.")) from None
    if version != article.text_version:
        raise ValidationError(
            gettext(
                "The article text changed after you selected the words (version %(version)s, "
                "now %(current)s); go back to the article and select them again."
            )
            % {"version": version, "current": article.text_version}
        )


def _selection_codepoints(article: Article, start, end) -> tuple[int, int]:
    """Convert a browser selection (UTF-16 offsets) to code points over the article's text."""
    try:
        start_unit, end_unit = int(start), int(end)
    except (TypeError, ValueError):
        raise ValidationError(
            _("The selection needs a start and an end (whole numbers); select the words again.")
        ) from None
    try:
        span = (
            anchoring.utf16_to_codepoint(article.text, start_unit),
            anchoring.utf16_to_codepoint(article.text, end_unit),
        )
    except anchoring.AnchoringError as error:
        raise ValidationError(
            gettext("The selection cannot be used: %(reason)s.") % {"reason": error}
        ) from None
    if span[0] >= span[1]:
        raise ValidationError(_("The selection is empty; select at least one character."))
    return span


class SourceForm(forms.ModelForm):
    """The source admin's form: a web address is held to the same rules as on the claim form."""

    url = forms.URLField(required=False, max_length=2000, assume_scheme="https")

    class Meta:
        model = Source
        fields = ("kind", "title", "url", "file", "text", "claims")
        field_classes = {"text": TextAsSentField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        kind.required = False
        kind.choices = [("", "from what is filled in below"), *SourceKind.choices]
        kind.help_text = (
            "Left as is, a file makes a file source, else an address a web source, else "
            "pasted text a text source."
        )

    def clean_url(self) -> str:
        return _fetchable_url(self.cleaned_data.get("url") or "")

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or self._kind_given(data)
        if not kind:
            self.add_error("kind", _("Give a web address, a file or pasted text."))
            return data
        data["kind"] = kind
        needed = {
            SourceKind.URL: ("url", _("Give the web address.")),
            SourceKind.FILE: ("file", _("Choose the file to upload.")),
            SourceKind.TEXT: ("text", _("Paste the source's text.")),
        }.get(kind)
        if needed and not data.get(needed[0]) and not self.has_error(needed[0]):
            self.add_error(needed[0], needed[1])
        if kind == SourceKind.TEXT and not (data.get("title") or "").strip():
            self.add_error("title", _("Give the pasted source a title."))
        given = [field for field in ("file", "url", "text") if self._filled(data, field)]
        if len(given) > 1:
            self.add_error(
                None,
                "Give one of a web address, a file or pasted text, not several: a source is "
                "read from one of them (add another source for the other).",
            )
        self._refuse_closed_claims(data.get("claims") or [])
        return data

    def _filled(self, data: dict, field: str) -> bool:
        value = data.get(field)
        return bool(value.strip() if isinstance(value, str) else value)

    def _refuse_closed_claims(self, claims) -> None:
        """A source may not be newly attached to a published or retracted claim (as in the API);
        one already attached stays, so the source can still be corrected."""
        attached = set()
        if self.instance.pk:
            attached = set(self.instance.claims.values_list("pk", flat=True))
        for claim in claims:
            refusal = None if claim.pk in attached else services.claim_source_refusal(claim)
            if refusal:
                self.add_error("claims", f"Claim {claim.pk}: {refusal}")

    def _kind_given(self, data: dict) -> str:
        """The kind of source the filled fields make, as the claim add form reads them."""
        if data.get("file") or self.has_error("file"):
            return SourceKind.FILE
        if data.get("url") or self.has_error("url"):
            return SourceKind.URL
        if (data.get("text") or "").strip() or self.has_error("text"):
            return SourceKind.TEXT
        return ""
