from django.apps import AppConfig


class CareerGuideConfig(AppConfig):
    name = "careerguide"
    verbose_name = "Career Guide"

    def ready(self):
        from . import checks  # noqa: F401 - registers the content checks
