"""Staff-only preview: edit a content file's text in the browser and see it rendered and
validated by exactly the pipeline the site uses. Nothing is written to disk."""

from __future__ import annotations

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from careerguide.content import Document, Problem, get_library, get_store, is_content_path
from careerguide.htmx import wants_fragment
from careerguide.limits import limit

MAX_TEXT = 200_000


def _clean_path(value: str) -> str:
    value = value.strip()
    if not is_content_path(value) or ".." in value or value.startswith("/"):
        raise forms.ValidationError(
            "Give a content path such as roles/data-scientist.md or skills/new-skill.md."
        )
    return value


class PreviewForm(forms.Form):
    path = forms.CharField(
        max_length=200,
        label="Content file",
        help_text="The file's path under content/, e.g. skills/mlops-deployment.md.",
    )
    text = forms.CharField(
        max_length=MAX_TEXT,
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        label="File text (front matter and markdown)",
    )

    def clean_path(self) -> str:
        return _clean_path(self.cleaned_data["path"])


def run_pipeline(path: str, text: str) -> tuple[Document | None, list[Problem]]:
    """Parse, validate and render ``text`` as if it were the file at ``path``, and check it
    against the rest of the live content."""
    return get_store().check_draft(path, text)


@staff_member_required
@never_cache
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@limit("preview", methods=("GET", "POST"), message="Too many previews from this address.")
def preview(request):
    library = get_library()
    paths = sorted({*library.documents, *(p.path for p in library.problems)})
    if request.method == "POST":
        form = PreviewForm(request.POST)
    else:
        path = request.GET.get("path", "")
        initial = {"path": path, "text": ""}
        try:
            path = _clean_path(path)
            initial["text"] = (get_store().root / path).read_text(encoding="utf-8")
        except (forms.ValidationError, OSError, UnicodeDecodeError):
            pass
        form = PreviewForm(initial=initial)

    doc: Document | None = None
    problems: list[Problem] = []
    status = 200
    if form.is_bound:
        if form.is_valid():
            doc, problems = run_pipeline(form.cleaned_data["path"], form.cleaned_data["text"])
        else:
            status = 400
    elif form.initial.get("text"):
        doc, problems = run_pipeline(form.initial["path"], form.initial["text"])

    template = "editors/preview.html#result" if wants_fragment(request) else "editors/preview.html"
    return render(
        request,
        template,
        {
            "form": form,
            "paths": paths,
            "preview": doc,
            "problems": problems,
            "breadcrumbs": [("Editors' preview", None)],
        },
        status=status,
    )
