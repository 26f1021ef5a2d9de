from django.urls import path

from . import my_data_views, review_views, views

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
    path("due/", review_views.due, name="due"),
    path("review/", review_views.queue, name="review"),
    path("review/start/", review_views.start, name="review_start"),
    path("plan/", review_views.plan, name="plan"),
    path("progress/", review_views.progress_page, name="progress"),
    path("progress/clear/", review_views.clear, name="clear"),
    path("data/", my_data_views.overview, name="my_data"),
    path("data/download/", my_data_views.download, name="my_data_download"),
    path("data/import/", my_data_views.import_data, name="my_data_import"),
    path("data/delete/", my_data_views.delete, name="my_data_delete"),
]
