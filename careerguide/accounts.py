"""Optional accounts: sign up, sign in and out, change the password, reset it by email.

Anyone can use the guide and the quiz without an account. An account keeps a learner's quiz
data across browsers: the quiz reads and writes by the account's key while signed in
(quiz/owners.py), and moves a browser's data into the account on signing in
(quiz/accounts_merge.py).

Every view is Django's own (``django.contrib.auth.views``) with the site's templates
(``templates/registration/``), named so as not to replace the admin's own pages. Sign-in goes
through ``authenticate()`` with the request, so django-axes counts failures per username and
address and answers a locked-out pair with the site's 429 page (careerguide/limits.py); the
per-address limit on sign-in attempts applies to sign-in, sign-up and reset requests alike.
Nothing says whether a username or email is known: a wrong username reads as a wrong
password, and a reset request is answered the same way whether the email has an account.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import UserCreationForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_cookie

from careerguide.limits import limit, signin_limited

User = get_user_model()
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
TOO_MANY = "Too many sign-in, sign-up or reset attempts from this address."


def _trail(title: str) -> dict:
    """The breadcrumbs of an account page."""
    return {"breadcrumbs": [("Account", reverse_lazy("account")), (title, None)]}


# --- sign up -----------------------------------------------------------------------------------


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        label="Email (optional)",
        required=False,
        help_text="Used only to send you a link if you forget your password. Without it, a "
        "forgotten password cannot be reset.",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
@never_cache
@limit("signin", fail_open=False, message=TOO_MANY)
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("account")
    if request.method == "POST":
        form = SignUpForm(request.POST)
        if form.is_valid():
            user = form.save()
            # Signing in merges this browser's quiz data into the new account.
            login(request, user, backend=MODEL_BACKEND)
            return redirect(_next(request) or reverse("account") + "?welcome=1")
        status = 400
    else:
        form = SignUpForm()
        status = 200
    context = {
        "form": form,
        "next": _next(request),
        **_trail("Create an account"),
    }
    return render(request, "registration/signup.html", context, status=status)


# --- sign in and out ---------------------------------------------------------------------------


class InvalidIs400:
    """A form sent back with errors answers 400, as every form of the site does."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class SignInView(InvalidIs400, auth_views.LoginView):
    template_name = "registration/signin.html"
    redirect_authenticated_user = True
    extra_context = _trail("Sign in")


class SignOutView(auth_views.LogoutView):
    def get_default_redirect_url(self):
        return reverse("account") + "?signed-out=1"


sign_in = signin_limited(never_cache(SignInView.as_view()))
sign_out = never_cache(SignOutView.as_view())


# --- passwords ---------------------------------------------------------------------------------


class PasswordChangeView(InvalidIs400, auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("account-password-done")
    extra_context = _trail("Change your password")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_complete.html"
    extra_context = _trail("Password changed")


class ResetRequestView(InvalidIs400, auth_views.PasswordResetView):
    template_name = "registration/reset_request.html"
    email_template_name = "registration/reset_email.txt"
    subject_template_name = "registration/reset_subject.txt"
    success_url = reverse_lazy("account-reset-sent")
    extra_context = _trail("Reset your password")

    def form_valid(self, form):
        # Links in the mail point at the public address when it is known, not at whatever
        # host the request named.
        site = urlsplit(settings.SITE_URL)
        self.extra_email_context = {"site_name": settings.SITE_NAME}
        if site.netloc:
            self.extra_email_context.update(domain=site.netloc, protocol=site.scheme)
        return super().form_valid(form)


class ResetSentView(auth_views.PasswordResetDoneView):
    template_name = "registration/reset_sent.html"
    extra_context = _trail("Check your email")


class ResetConfirmView(InvalidIs400, auth_views.PasswordResetConfirmView):
    template_name = "registration/reset_confirm.html"
    success_url = reverse_lazy("account-reset-complete")
    extra_context = _trail("Choose a new password")


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/reset_complete.html"
    extra_context = _trail("Password reset")


# Private pages, never kept by a browser or a shared cache.
password_change = never_cache(PasswordChangeView.as_view())
password_change_done = never_cache(PasswordChangeDoneView.as_view())
reset_request = limit("signin", fail_open=False, message=TOO_MANY)(
    never_cache(ResetRequestView.as_view())
)
reset_sent = never_cache(ResetSentView.as_view())
reset_confirm = never_cache(ResetConfirmView.as_view())
reset_complete = never_cache(ResetCompleteView.as_view())


# --- the account page --------------------------------------------------------------------------


@require_GET
@never_cache
@vary_on_cookie
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registration/account.html",
        {
            "welcome": request.GET.get("welcome") == "1",
            "signed_out": request.GET.get("signed-out") == "1",
            "breadcrumbs": [("Account", None)],
        },
    )


def delete_account(request: HttpRequest) -> bool:
    """Delete the signed-in account and sign this browser out; False if no one is signed in.

    Apps delete what they keep for the account on the user's ``pre_delete`` signal (the quiz:
    quiz/accounts_merge.py), in the same transaction. The sign-in records django-axes keeps for
    the username go too."""
    if not request.user.is_authenticated:
        return False
    user = User.objects.get(pk=request.user.pk)
    username = user.get_username()
    logout(request)
    with transaction.atomic():
        user.delete()
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username=username).delete()
    return True
