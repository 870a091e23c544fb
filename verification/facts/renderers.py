"""JSON-LD for the facts API: renderers and the content negotiation that picks them."""

from django.utils.http import parse_header_parameters
from rest_framework import negotiation, renderers
from rest_framework.exceptions import NotAcceptable
from rest_framework.utils.mediatypes import media_type_matches, order_by_precedence


class JSONLDRenderer(renderers.JSONRenderer):
    """JSON-LD: JSON labelled with its own media type (and the profile the document follows).

    Its usual home is a `<script type="application/ld+json">` element, where a rationale holding
    `</script>` would end the script and the rest would be read as HTML. `<`, `>` and `&` are
    written as \u003c, \u003e and \u0026: the same JSON to any parser, inert in HTML. Outside
    strings JSON has none of the three, so replacing them in the output is safe.
    """

    media_type = "application/ld+json"
    format = "jsonld"
    _HTML_SAFE = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"))

    def render(self, data, accepted_media_type=None, renderer_context=None):
        body = super().render(data, accepted_media_type, renderer_context)
        for raw, escaped in self._HTML_SAFE:
            body = body.replace(raw, escaped)
        return body


class WebAnnotationRenderer(JSONLDRenderer):
    """The W3C Web Annotation Protocol's media type: JSON-LD with the annotation profile."""

    media_type = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


class JSONLDContentNegotiation(negotiation.DefaultContentNegotiation):
    """The view's JSON-LD to every client that takes JSON; the browsable API to browsers.

    DRF matches Accept entries against the renderer's exact media type, parameters included, so
    `application/json`, or `application/ld+json` without the annotation profile, would be a 406.
    Here any JSON or JSON-LD entry (and `*/*`) selects the JSON-LD renderer, which always labels
    the response with its own media type; other entries (text/html) are matched as DRF does.
    """

    _JSON_TYPES = frozenset({"application/json", "application/ld+json", "application/*", "*/*"})

    def select_renderer(self, request, renderers, format_suffix=None):
        format_ = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if format_:
            # `?format=json` asks for JSON, which the JSON-LD renderer writes.
            wanted = "jsonld" if format_ == "json" else format_
            renderers = self.filter_renderers(renderers, wanted)
        for accepted_set in order_by_precedence(self.get_accept_list(request)):
            for renderer in renderers:
                if any(self._serves(renderer, accepted) for accepted in accepted_set):
                    return renderer, renderer.media_type
        raise NotAcceptable(available_renderers=renderers)

    def _serves(self, renderer, accepted: str) -> bool:
        if isinstance(renderer, JSONLDRenderer):
            try:
                media_type, _ = parse_header_parameters(accepted)
            except ValueError:
                return False
            return media_type.lower() in self._JSON_TYPES
        return media_type_matches(renderer.media_type, accepted)
