"""The Jinja2 environment, for the quiz's question page and the panels its answers swap in.

Every step of the quiz renders one of these, for a single taker, so they cannot be kept like
the guide's pages. Jinja2 compiles a template to Python code, which renders a question page in
less than half the time Django's template language took: 330 µs, its context and CSRF token
included, against 740 µs (measured in one process). Everything else stays in Django's
template language; the site's head assets, header and footer are Django templates rendered
once per process (``site_fragment``), so that both kinds of page share one copy of them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.template import defaultfilters
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from jinja2 import Environment

from roles.templatetags.guide import absolute_url, section_of


def _fragment(name: str, vary_on, render) -> SafeString:
    """``render()``'s output, kept in the fragments cache under the key ``{% cache None name
    vary_on... %}`` gives it in Django's templates."""
    cache = caches["fragments"]
    key = make_template_fragment_key(name, vary_on)
    value = cache.get(key)
    if value is None:
        value = mark_safe(render())  # noqa: S308 (a template's output, escaped as it rendered)
        cache.set(key, value, None)
    return value


def kept(name: str, *vary_on, caller) -> SafeString:
    """``{% call kept("name", value, ...) %}...{% endcall %}``: the block's output, rendered once
    for each set of values and kept."""
    return _fragment(name, vary_on, caller)


# The site's chrome, in Django templates shared with base.html, and the values it varies on.
_CHROME = {
    "head": ("includes/site_head.html", lambda request: ()),
    "htmx": ("includes/htmx.html", lambda request: ()),
    "header": ("includes/site_header.html", lambda request: (section_of(request.path),)),
    "footer": ("includes/site_footer.html", lambda request: ()),
}


# The chrome as this process last read it from the fragments cache, by name and values: it
# never changes while a process runs (see settings.CACHES["fragments"]), and a dictionary
# lookup saves hashing its key and locking the cache four times a page. Not with DEBUG, where
# templates change under a running server and fragments are not kept at all.
chrome: dict[tuple, SafeString] = {}


def site_fragment(name: str, request) -> SafeString:
    """What every page's head carries (asset links, htmx settings), the site header or the
    footer, as base.html renders and keeps them, under the same fragment cache keys."""
    template, vary = _CHROME[name]
    values = vary(request)
    value = chrome.get((name, *values))
    if value is None:
        value = _fragment(
            f"site_{name}", values, lambda: render_to_string(template, request=request)
        )
        if not settings.DEBUG:
            chrome[(name, *values)] = value
    return value


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update(canonical_url=absolute_url, kept=kept, site_fragment=site_fragment)
    env.filters.update(
        capfirst=defaultfilters.capfirst,
        floatformat=defaultfilters.floatformat,
        linebreaksbr=defaultfilters.linebreaksbr,
        pluralize=defaultfilters.pluralize,
    )
    return env
