from django.apps import AppConfig

# A skill's quiz figure is offered to other pages once the learner has answered this many of its
# questions: fewer says too little to set against their own rating.
MEASURED_AFTER = 3


def measured_skills(request) -> dict[str, float]:
    """How well this browser's learner knows each skill they have practised enough: the
    average of how well they know the skill's questions they have answered (careerguide's
    progress hook; the guide's "Which role fits me?" result shows it)."""
    from careerguide.content import get_library

    from . import progress, review
    from .owners import owner

    data = progress.load(owner(request))
    if data.empty:
        return {}
    known = progress.knowledge(data, review.clock())
    return {
        figure.slug: figure.known / figure.seen
        for figure in progress.skill_figures(get_library(), known)
        if figure.seen >= MEASURED_AFTER
    }


class QuizConfig(AppConfig):
    name = "quiz"
    verbose_name = "Quiz"

    def ready(self):
        from careerguide import progress_hooks

        progress_hooks.register(measured_skills)
