"""JSON out, UTF-8, and never a 500 for text that is not valid Unicode: should a lone
surrogate ever reach a response (the parser refuses them on the way in), it is written as
an escape instead of failing the encode."""

from rest_framework.renderers import JSONRenderer


class SafeJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return _ASCII.render(data, accepted_media_type, renderer_context)


class _AsciiJSONRenderer(JSONRenderer):
    ensure_ascii = True  # every non-ASCII character written as an escape


_ASCII = _AsciiJSONRenderer()
