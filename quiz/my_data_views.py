"""The learner's data: see what is kept, download it, import it, delete it (quiz/my_data.py).

The learner is the signed-in account, else the browser's quiz token (quiz/owners.py). Every page
is private and never cached; each works as a plain link or form without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_cookie

from careerguide.accounts import delete_account
from careerguide.content import get_library
from careerguide.limits import limit

from . import my_data
from .owners import OWNER_COOKIE, keep_owner, learner, owner


def _crumbs(title: str) -> list:
    return [("Account", reverse("account")), (title, None)]


def _keys(request: HttpRequest) -> list[str]:
    """Whose data "my data" is: the account's and this browser's token's."""
    keys = [learner(request), owner(request)]
    return list(dict.fromkeys(k for k in keys if k))


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Your data file (.json)",
        help_text="The file “Download my data” gave you, from this site or another copy of it.",
        error_messages={"required": "Choose the file to import."},
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )


def _overview(request: HttpRequest, *, form=None, result=None, problem="", status=200):
    return render(
        request,
        "quiz/my_data.html",
        {
            "counts": my_data.counts(_keys(request)),
            "form": form or ImportForm(),
            "result": result,
            "problem": problem,
            "deleted": request.GET.get("deleted", "") if request.method == "GET" else "",
            "version": my_data.VERSION,
            "breadcrumbs": _crumbs("Your data"),
        },
        status=status,
    )


@require_GET
@never_cache
@vary_on_cookie
def overview(request):
    return _overview(request)


@require_GET
@never_cache
@vary_on_cookie
def download(request):
    user = request.user
    account = (
        {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
        }
        if user.is_authenticated
        else None
    )
    document = my_data.export(learner(request), account)
    response = HttpResponse(my_data.dumps(document), content_type="application/json")
    day = dt.datetime.now(dt.UTC).date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="career-guide-data-{day}.json"'
    return response


@require_POST
@never_cache
@limit("quiz-start", message="Too many quizzes started or imported from this address.")
def import_data(request):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _overview(request, form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        if upload.size > my_data.MAX_BYTES:
            raise my_data.ImportRefused(
                f"That file is larger than {my_data.MAX_BYTES // (1024 * 1024)} MB."
            )
        document = my_data.parse(upload.read())
        key = learner(request) or secrets.token_urlsafe(24)
        result = my_data.restore(document, key, get_library())
    except my_data.ImportRefused as refused:
        return _overview(request, problem=str(refused), status=refused.status)
    return keep_owner(_overview(request, result=result), key)


@require_http_methods(["GET", "POST"])
@never_cache
@vary_on_cookie
def delete(request):
    """Delete everything the quiz keeps for the learner, after a confirmation; the account
    too if asked."""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            return redirect("quiz:my_data_delete")
        for key in _keys(request):
            my_data.forget(key)
        account = request.POST.get("account") == "yes" and delete_account(request)
        response = redirect(
            reverse("quiz:my_data") + ("?deleted=account" if account else "?deleted=data")
        )
        response.delete_cookie(OWNER_COOKIE, samesite="Lax")
        return response
    return render(
        request,
        "quiz/my_data_delete.html",
        {"counts": my_data.counts(_keys(request)), "breadcrumbs": _crumbs("Delete your data")},
    )
