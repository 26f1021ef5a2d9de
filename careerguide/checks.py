"""Content problems reported through Django's system check framework, so that
``manage.py check`` and ``runserver`` show them.

They are reported as warnings, not errors: an error would stop ``runserver`` and ``migrate``
from starting, and a broken content file must never take the site down (the last good version
stays live). ``manage.py check --fail-level WARNING`` and ``manage.py content_check`` fail on
them.
"""

from django.core.checks import Tags, Warning, register

from careerguide.content import get_store


@register(Tags.compatibility, "content")
def check_content(app_configs=None, **kwargs):
    library = get_store().refresh()
    return [
        Warning(
            f"{problem.field}: {problem.message}",
            obj=f"{problem.path}:{problem.line}",
            hint="Fix the file; `python manage.py content_check` lists every problem.",
            id="content.W001" if problem.severity == "error" else "content.W002",
        )
        for problem in library.problems
    ]
