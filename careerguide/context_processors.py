"""Values every page template needs."""

from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "CONTENT_EDIT_URL": settings.CONTENT_EDIT_URL,
    }
