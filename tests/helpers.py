"""What the quiz tests share: starting an attempt as a browser does, its URLs, right answers."""

import re

from quiz.models import Attempt

HX = {"HX-Request": "true"}


def start(client, mode="article", value=""):
    response = client.post("/quiz/start/", {"mode": mode, "value": value})
    assert response.status_code == 302, response.content
    attempt = Attempt.objects.latest("created_at")
    assert response["Location"] == f"/quiz/a/{attempt.pk}/q/1/"
    return attempt


def url(attempt, position, action=""):
    return f"/quiz/a/{attempt.pk}/q/{position}/" + (f"{action}/" if action else "")


def choice_ids(html: str) -> list[str]:
    return re.findall(r'<input type="(?:radio|checkbox)" name="choices?" value="([^"]+)"', html)


def right_answer(item) -> dict:
    """The form data of a fully right answer to an item (open: a text to be marked)."""
    key = item.key
    if item.kind == "single":
        return {"choice": key["correct"][0]}
    if item.kind == "multiple":
        return {"choices": key["correct"]}
    if item.kind == "numeric":
        return {"value": str(key["answer"])}
    if item.kind == "example":
        return {"text": key["accepted"][0]["answer"]}
    return {"text": "It fits noise and fails on new data; use regularisation."}


def answer_all_right(client, attempt, headers=None):
    """Answer every question of an attempt correctly, following the screens."""
    headers = headers or {}
    for item in attempt.items.order_by("position"):
        response = client.post(
            url(attempt, item.position, "answer"), right_answer(item), headers=headers
        )
        assert response.status_code in (200, 302), response.content.decode()
        if item.kind == "open":
            points = [str(i) for i in range(len(item.key["rubric"]))]
            response = client.post(
                url(attempt, item.position, "assess"), {"points": points}, headers=headers
            )
            assert response.status_code in (200, 302)


def answer_wrong_up_to(attempt, position):
    """Record a wrong answer to each question before ``position``, as the steps would."""
    from quiz import steps

    for item in attempt.items.filter(position__lt=position).order_by("position"):
        steps.record_answer(steps.load_item(attempt.pk, item.position), {}, 0.0, {})
    return attempt.items.get(position=position)
