from django.urls import path

from roles.search_views import search

from . import fit_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/<slug:slug>/", views.role_detail, name="role_detail"),
    path("compare/", views.compare_index, name="compare_index"),
    path("compare/<slug:slug>/", views.compare_detail, name="compare_detail"),
    path("skills/", views.skill_list, name="skill_list"),
    path("skills/<slug:slug>/", views.skill_detail, name="skill_detail"),
    path("education/", views.education_list, name="education_list"),
    path("education/<slug:slug>/", views.education_detail, name="education_detail"),
    path("search/", search, name="search"),
    path("fit/", fit_views.assessment, name="fit"),
    path("fit/r/<str:token>/", fit_views.result, name="fit_result"),
    # free-standing pages (pay, about): last, so every other prefix wins
    path("<slug:slug>/", views.page, name="page"),
]
