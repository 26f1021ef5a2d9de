"""What names a release of the site: a hash of the code, templates and static file names that
render its pages, and of the settings they depend on. The guide pages' ETags include it, and
the servers compute it before a worker's first request."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import django
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# Settings a rendered page depends on besides the content (links, names, static URLs).
PAGE_SETTINGS = ("SITE_URL", "SITE_NAME", "CONTENT_EDIT_URL", "STATIC_URL", "DEBUG", "PAGE_MAX_AGE")
# What the deployed code renders pages with.
CODE_FOLDERS = ("careerguide", "roles", "quiz", "templates")
CODE_SUFFIXES = (".py", ".html", ".txt", ".xml")


@functools.cache
def site_version() -> str:
    """A hash of the code, templates and static file names that render pages, plus the
    settings pages depend on. Computed once per process; the same on every server of one
    release, different after a deploy that changes any of them."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(django.get_version().encode())
    for name in PAGE_SETTINGS:
        digest.update(f"\0{name}={getattr(settings, name, '')}".encode())
    base = Path(settings.BASE_DIR)
    for folder in CODE_FOLDERS:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(f"\0{path.relative_to(base)}\0".encode())
                digest.update(path.read_bytes())
    # Collected static files are named by their content hash: the manifest names the release.
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting in PAGE_SETTINGS or setting == "STATIC_ROOT":
        site_version.cache_clear()
