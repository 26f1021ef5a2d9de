"""sitemap.xml (public guide pages only, with last-modified) and robots.txt."""

from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from careerguide.content import get_library

LISTS = ("role_list", "compare_index", "skill_list", "education_list", "quiz:index")


class GuideSitemap(Sitemap):
    """Every published content page; drafts and questions (which have no page) are left out."""

    def items(self):
        library = get_library()
        return [
            doc
            for kind in ("page", "role", "comparison", "skill", "education")
            for doc in library.all(kind)
            if doc.url is not None
        ]

    def location(self, item):
        return item.url

    def lastmod(self, item):
        return item.updated

    def priority(self, item):
        return 1.0 if item.url == "/" else 0.8 if item.kind == "role" else 0.6


class ListSitemap(Sitemap):
    priority = 0.5

    def items(self):
        return list(LISTS)

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        docs = get_library().documents.values()
        return max((d.updated for d in docs if not d.draft), default=None)


SITEMAPS = {"guide": GuideSitemap, "lists": ListSitemap}


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /editors/",
        "Disallow: /quiz/a/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
