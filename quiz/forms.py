"""Forms that read a taker's answer. Each question's form is built from the item as this
attempt asks it, so only the choices that were shown can be picked, and each field's limits
(``maxlength``, choices) live here, in the form, and reach the page through its widget."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .scoring import parse_number

EXAMPLE_MAX = 300
OPEN_MAX = 5000
NUMBER_MAX = 40


def _label(item: dict, text_key: str) -> str:
    """A choice's label: its HTML, rendered and sanitised when the content was loaded."""
    html = item.get("html")
    return mark_safe(html) if html else escape(item[text_key])  # noqa: S308


class ChoiceList(forms.RadioSelect):
    """Radio buttons, each in a ``div.choice`` with its label after it (the labels hold
    rendered markdown, so they cannot wrap the input as Django's default does)."""

    template_name = "quiz/widgets/choices.html"


class CheckboxList(forms.CheckboxSelectMultiple):
    template_name = "quiz/widgets/choices.html"


class AnswerForm(forms.Form):
    """A form that reads one kind of answer."""

    def answer(self) -> dict[str, Any]:
        """The answer as it is stored and scored (valid forms only)."""
        raise NotImplementedError


class SingleAnswerForm(AnswerForm):
    choice = forms.ChoiceField(
        widget=ChoiceList,
        error_messages={
            "required": "Choose an answer.",
            "invalid_choice": "That is not one of this question's choices.",
        },
    )

    def __init__(self, *args, asked: dict, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["choice"]).choices = [
            (c["id"], _label(c, "text")) for c in asked["choices"]
        ]

    def answer(self) -> dict:
        return {"choice": self.cleaned_data["choice"]}


class MultipleAnswerForm(AnswerForm):
    choices = forms.MultipleChoiceField(
        widget=CheckboxList,
        error_messages={
            "required": "Tick at least one answer.",
            "invalid_choice": "That is not one of this question's choices.",
        },
    )

    def __init__(self, *args, asked: dict, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["choices"]).choices = [
            (c["id"], _label(c, "text")) for c in asked["choices"]
        ]

    def answer(self) -> dict:
        return {"choices": sorted(self.cleaned_data["choices"])}


class NumericAnswerForm(AnswerForm):
    value = forms.CharField(
        max_length=NUMBER_MAX,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "required": "Enter a number.",
            "max_length": "That is too long to be a number.",
        },
    )

    def __init__(self, *args, asked: dict, **kwargs):
        super().__init__(*args, **kwargs)
        unit = asked.get("unit")
        self.fields["value"].label = f"Your answer ({unit})" if unit else "Your answer"

    def clean_value(self) -> float:
        number = parse_number(self.cleaned_data["value"])
        if number is None:
            raise forms.ValidationError("Enter a number, such as 0.75.")
        return number

    def answer(self) -> dict:
        return {"value": self.cleaned_data["value"], "text": self.data.get("value", "").strip()}


class TextAnswerForm(AnswerForm):
    text = forms.CharField(label="Your answer", strip=True)

    def __init__(self, *args, max_length: int, hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.CharField, self.fields["text"])
        field.max_length = max_length
        field.widget = (
            forms.Textarea(attrs={"rows": 8, "maxlength": str(max_length)})
            if max_length > EXAMPLE_MAX
            else forms.TextInput(attrs={"autocomplete": "off", "maxlength": str(max_length)})
        )
        field.help_text = hint
        field.validators.append(
            MaxLengthValidator(
                max_length, message=f"Keep your answer under {max_length:,} characters."
            )
        )
        field.error_messages["required"] = "Write your answer first."

    def answer(self) -> dict:
        return {"text": self.cleaned_data["text"]}


OPEN_HINT = (
    "Answer as you would out loud in an interview. Next you will see the model answer and mark "
    "your own against a rubric."
)


def answer_form(item, data=None) -> AnswerForm:
    asked = item.asked
    if item.kind == "single":
        return SingleAnswerForm(data, asked=asked)
    if item.kind == "multiple":
        return MultipleAnswerForm(data, asked=asked)
    if item.kind == "numeric":
        return NumericAnswerForm(data, asked=asked)
    if item.kind == "example":
        return TextAnswerForm(data, max_length=EXAMPLE_MAX)
    return TextAnswerForm(data, max_length=OPEN_MAX, hint=OPEN_HINT)


class RubricForm(forms.Form):
    """The points of a rubric that the taker says their answer covered: an open question's
    rubric, or the one criterion of an example the key did not recognise."""

    points = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=CheckboxList,
        error_messages={"invalid_choice": "That is not one of the rubric's points."},
    )

    def __init__(self, *args, rubric: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["points"]).choices = [
            (str(i), _label(p, "point")) for i, p in enumerate(rubric)
        ]
