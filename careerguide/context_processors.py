"""Values every page template needs."""

from django.conf import settings

NAV = (
    ("Roles", "role_list"),
    ("Compare", "compare_index"),
    ("Skills", "skill_list"),
    ("Education", "education_list"),
    ("Pay", "page", "pay"),
    ("Quiz", "quiz:index"),
)


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "CONTENT_EDIT_URL": settings.CONTENT_EDIT_URL,
    }
