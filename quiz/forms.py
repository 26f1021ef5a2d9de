"""Forms that read a taker's answer. Each question's form is built from the item's snapshot,
so only the choices that were shown can be picked."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.forms import BoundField
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .scoring import parse_number

EXAMPLE_MAX = 300


def _label(item: dict, text_key: str) -> str:
    """A choice's label: its HTML, rendered and sanitised when the content was loaded."""
    html = item.get("html")
    return mark_safe(html) if html else escape(item[text_key])  # noqa: S308


OPEN_MAX = 5000


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    value: str
    label: str
    checked: bool
    input: str  # the <input> element, escaped


def options(field: BoundField) -> list[Option]:
    """The choices of a radio or checkbox field, each with its <input> written out.

    The same markup as the field's widget renders, without a widget template per choice,
    which took more than half of a question page's render time."""
    widget = field.field.widget
    value = field.value()
    given = value if isinstance(value, (list, tuple)) else [value]
    chosen = {str(v) for v in given if v is not None}
    required = (
        widget.use_required_attribute(field.initial)
        and field.field.required
        and field.form.use_required_attribute
    )
    flags = (" required" if required else "") + (' aria-invalid="true"' if field.errors else "")
    found = []
    for i, (v, label) in enumerate(field.field.choices):
        id_, v = f"{field.auto_id}_{i}", str(v)
        checked = v in chosen
        tag = format_html(
            '<input type="{}" name="{}" value="{}" id="{}"{}>',
            widget.input_type,
            field.html_name,
            v,
            id_,
            mark_safe(flags + (" checked" if checked else "")),  # noqa: S308 (constants)
        )
        found.append(Option(id_, v, label, checked, tag))
    return found


class SingleAnswerForm(forms.Form):
    choice = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose an answer.",
            "invalid_choice": "That is not one of this question's choices.",
        },
    )

    def __init__(self, *args, asked: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [(c["id"], _label(c, "text")) for c in asked["choices"]]

    def answer(self) -> dict:
        return {"choice": self.cleaned_data["choice"]}


class MultipleAnswerForm(forms.Form):
    choices = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one answer.",
            "invalid_choice": "That is not one of this question's choices.",
        },
    )

    def __init__(self, *args, asked: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices"].choices = [(c["id"], _label(c, "text")) for c in asked["choices"]]

    def answer(self) -> dict:
        return {"choices": sorted(self.cleaned_data["choices"])}


class NumericAnswerForm(forms.Form):
    value = forms.CharField(
        max_length=40,
        error_messages={
            "required": "Enter a number.",
            "max_length": "That is too long to be a number.",
        },
    )

    def __init__(self, *args, asked: dict, **kwargs):
        super().__init__(*args, **kwargs)

    def clean_value(self) -> float:
        number = parse_number(self.cleaned_data["value"])
        if number is None:
            raise forms.ValidationError("Enter a number, such as 0.75.")
        return number

    def answer(self) -> dict:
        return {"value": self.cleaned_data["value"], "text": self.data.get("value", "").strip()}


class TextAnswerForm(forms.Form):
    text = forms.CharField(strip=True)

    def __init__(self, *args, asked: dict, max_length: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.max_length = max_length
        field.widget = (
            forms.Textarea(attrs={"rows": 8})
            if max_length > EXAMPLE_MAX
            else forms.TextInput(attrs={"autocomplete": "off"})
        )
        field.widget.attrs["maxlength"] = str(max_length)
        field.validators.append(
            forms.fields.validators.MaxLengthValidator(
                max_length, message=f"Keep your answer under {max_length:,} characters."
            )
        )
        field.error_messages["required"] = "Write your answer first."

    def answer(self) -> dict:
        return {"text": self.cleaned_data["text"]}


def answer_form(item, data=None):
    asked = item.asked
    if item.kind == "single":
        return SingleAnswerForm(data, asked=asked)
    if item.kind == "multiple":
        return MultipleAnswerForm(data, asked=asked)
    if item.kind == "numeric":
        return NumericAnswerForm(data, asked=asked)
    limit = EXAMPLE_MAX if item.kind == "example" else OPEN_MAX
    return TextAnswerForm(data, asked=asked, max_length=limit)


class RubricForm(forms.Form):
    """The points of an open question's rubric that the taker says they covered."""

    points = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "That is not one of the rubric's points."},
    )

    def __init__(self, *args, rubric: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["points"].choices = [(str(i), _label(p, "point")) for i, p in enumerate(rubric)]
