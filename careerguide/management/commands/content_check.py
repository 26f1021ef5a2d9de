"""``python manage.py content_check``: validate every content file.

Prints one line per problem, ``path:line: field: message``, and exits with status 1 when any
problem is an error (warnings alone exit 0).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from careerguide.content import ContentStore
from careerguide.content.library import coverage_problems


class Command(BaseCommand):
    help = "Validate every content file and report problems as path:line: field: message."
    # Only the content is checked: the system checks (`manage.py check`) report on the project,
    # and on settings.CONTENT_DIR rather than the folder given here.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--content-dir",
            type=Path,
            default=None,
            help="Content folder to check (default: settings.CONTENT_DIR).",
        )

    def handle(self, *args, content_dir=None, **options):
        root = Path(content_dir or settings.CONTENT_DIR)
        if not root.is_dir():
            raise CommandError(f"{root} is not a folder")
        library = ContentStore(root).refresh()
        problems = sorted([*library.problems, *coverage_problems(library)])
        for problem in problems:
            line = f"{problem}" + (" (warning)" if problem.severity == "warning" else "")
            self.stdout.write(line)
        self._print_coverage(library)
        errors = sum(1 for problem in problems if problem.severity == "error")
        warnings = len(problems) - errors
        summary = f"{len(library.documents)} files valid, {errors} error(s), {warnings} warning(s)"
        if errors:
            raise CommandError(summary, returncode=1)
        self.stderr.write(summary)

    def _print_coverage(self, library) -> None:
        """Each skill's published questions per difficulty, the coverage the bank is held to."""
        counts = library.question_counts()
        if not counts:
            return
        width = max(len(slug) for slug in counts)
        self.stdout.write(f"\n{'questions per skill':<{width}}  easy  medium  hard  total")
        for slug, by_level in counts.items():
            easy, medium, hard = by_level["easy"], by_level["medium"], by_level["hard"]
            self.stdout.write(
                f"{slug:<{width}}  {easy:>4}  {medium:>6}  {hard:>4}  {easy + medium + hard:>5}"
            )
