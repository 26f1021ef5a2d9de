"""Request-level plumbing the apps share."""

from careerguide.content import get_store


class ContentFreshnessMiddleware:
    """Pick up edited, new and deleted content files before each request is handled.

    The check stats the content files and compares them with the last scan; files are read and
    parsed only when one changed. See ``make bench`` for what it costs per request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        get_store().refresh()
        return self.get_response(request)
