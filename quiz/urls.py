from django.urls import path

from . import views

app_name = "quiz"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("history/", views.history, name="history"),
    path("a/<uuid:attempt_id>/", views.resume, name="resume"),
    path("a/<uuid:attempt_id>/q/<int:position>/", views.question, name="question"),
    path("a/<uuid:attempt_id>/q/<int:position>/answer/", views.answer, name="answer"),
    path("a/<uuid:attempt_id>/q/<int:position>/assess/", views.assess, name="assess"),
    path("a/<uuid:attempt_id>/results/", views.results, name="results"),
    path("a/<uuid:attempt_id>/retake/", views.retake, name="retake"),
]
