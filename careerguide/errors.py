"""The site's handler for uncaught errors."""

import sys

from django.views import defaults

from careerguide.middleware import UNAVAILABLE_ERRORS, unavailable_response


def server_error(request):
    """A lost database or cache outside a view (saving the session after the view answered, say)
    is a 503 with Retry-After, as inside views; anything else is the site's 500 page."""
    if isinstance(sys.exc_info()[1], UNAVAILABLE_ERRORS):
        return unavailable_response()
    return defaults.server_error(request)
