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
    from .owners import learner

    data = progress.load(learner(request))
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

        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_delete

        from . import accounts_merge

        # A browser's quiz data moves into the account it signs in to; an account's goes
        # with it when it is deleted.
        user_logged_in.connect(accounts_merge.on_sign_in, dispatch_uid="quiz-merge-on-sign-in")
        pre_delete.connect(
            accounts_merge.on_user_deleted,
            sender=get_user_model(),
            dispatch_uid="quiz-forget-deleted-user",
        )
