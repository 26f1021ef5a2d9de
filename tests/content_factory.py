"""Builds small, valid content trees for tests, so each test can break exactly one thing."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

PAY = {
    "occupation": "Data Scientists",
    "soc": "15-2051",
    "median_usd": 112590,
    "as_of": "May 2024",
    "region": "United States",
    "source": "BLS Occupational Outlook Handbook, 2025 edition",
    "url": "https://www.bls.gov/ooh/math/data-scientists.htm",
}
OUTLOOK = {
    "occupation": "Data Scientists",
    "soc": "15-2051",
    "growth_percent": 34,
    "period": "2024-34",
    "region": "United States",
    "source": "BLS Occupational Outlook Handbook, 2025 edition",
    "url": "https://www.bls.gov/ooh/math/data-scientists.htm",
}


def role(title: str, skills=("stats", "python", "pipelines"), similar=()) -> dict:
    return {
        "title": title,
        "description": f"What a {title.lower()} does.",
        "summary": f"{title} summary.",
        "typical_education": "Bachelor's degree",
        "experience": "None to start",
        "focus": "Models in production",
        "daily_work": ["Train models", "Ship models"],
        "tools": ["Python", "SQL"],
        "skills": [{"skill": s, "emphasis": 3} for s in skills],
        "education": ["degree"],
        "similar": list(similar),
        "pay": [PAY],
        "outlook": [OUTLOOK],
    }


def skill(title: str, roles=("ml-engineer", "data-engineer")) -> dict:
    return {
        "title": title,
        "description": f"About {title}.",
        "summary": f"{title} summary.",
        "why": dict.fromkeys(roles, f"{title} matters."),
    }


QUESTION = {
    "id": "q-one",
    "title": "Which is a parametric model?",
    "kind": "single",
    "difficulty": "easy",
    "skills": ["stats"],
    "roles": ["ml-engineer"],
    "model_answer": "Linear regression.",
    "read": [{"link": "../skills/stats.md#what-to-learn"}],
    "choices": [
        {"id": "linreg", "text": "Linear regression", "correct": True, "why": "Fixed parameters."},
        {"id": "knn", "text": "k-nearest neighbours", "why": "Grows with the data."},
    ],
}


BASE_Q = {
    "skills": ["stats"],
    "roles": ["ml-engineer"],
    "model_answer": "The model answer.",
    "read": [{"link": "../skills/stats.md#what-to-learn"}],
}
QUESTIONS: dict[str, dict] = {
    "q-one": QUESTION,
    "q-multi": {
        **BASE_Q,
        "id": "q-multi",
        "title": "Which are parametric?",
        "kind": "multiple",
        "difficulty": "medium",
        "article": 4,
        "choices": [
            {"id": "linreg", "text": "Linear regression", "correct": True},
            {"id": "nb", "text": "Naive Bayes", "correct": True},
            {"id": "knn", "text": "k-NN"},
            {"id": "tree", "text": "Decision tree"},
        ],
    },
    "q-num": {
        **BASE_Q,
        "id": "q-num",
        "title": "Compute precision",
        "kind": "numeric",
        "difficulty": "medium",
        "article": 1,
        "prompt": "TP = {tp}, FP = {fp}.",
        "tolerance": 0.01,
        "variants": [
            {"given": {"tp": 40, "fp": 10}, "answer": 0.8},
            {"given": {"tp": 30, "fp": 10}, "answer": 0.75},
        ],
    },
    "q-example": {
        **BASE_Q,
        "id": "q-example",
        "title": "Name a parametric model",
        "kind": "example",
        "difficulty": "hard",
        "article": 2,
        "criterion": "A parametric model has a fixed number of parameters.",
        "accepted": [
            {
                "answer": "linear regression",
                "aliases": ["ols"],
                "why": "Fixed number of coefficients.",
            }
        ],
        "rejected": [
            {
                "answer": "k-nearest neighbours",
                "aliases": ["knn"],
                "why": "Keeps all the training data.",
            }
        ],
    },
    "q-open": {
        **BASE_Q,
        "id": "q-open",
        "title": "What is overfitting?",
        "kind": "open",
        "difficulty": "easy",
        "article": 3,
        "rubric": [
            {"point": "Fits noise in the training data", "terms": ["noise"]},
            {"point": "Does worse on new data", "terms": ["new data", "unseen"]},
            {"point": "Remedies such as regularisation", "terms": ["regularisation"]},
        ],
    },
}


def tree() -> dict[str, tuple[dict, str]]:
    """path -> (front matter, body) of a small valid site."""
    return copy.deepcopy(
        {
            "pages/home.md": (
                {"title": "Home", "description": "The home page."},
                "## Welcome\n\nSee the [ML engineer](../roles/ml-engineer.md).\n",
            ),
            "pages/about.md": (
                {"title": "About", "description": "About the guide."},
                "## Sources\n\nBack [home](home.md).\n",
            ),
            "pages/pay.md": (
                {"title": "Pay", "description": "Pay figures."},
                "## Figures\n\nSee [roles](../roles/ml-engineer.md#what-they-do).\n",
            ),
            "roles/ml-engineer.md": (
                role("ML engineer", similar=["data-engineer"]),
                "## What they do\n\nThey use [stats](../skills/stats.md).\n",
            ),
            "roles/data-engineer.md": (
                role("Data engineer", similar=["ml-engineer"]),
                "## What they do\n\nPipelines.\n",
            ),
            "skills/stats.md": (skill("Statistics"), "## What to learn\n\nProbability.\n"),
            "skills/python.md": (skill("Python"), "## What to learn\n\nPython.\n"),
            "skills/pipelines.md": (skill("Pipelines"), "## What to learn\n\nAirflow.\n"),
            "education/degree.md": (
                {
                    "title": "Degree",
                    "description": "A degree.",
                    "summary": "A degree.",
                    "path_type": "degree",
                    "duration": "Three years",
                    "cost": "Varies",
                    "gives": ["Foundations"],
                    "suits": ["ml-engineer"],
                },
                "## What it gives you\n\nFoundations.\n",
            ),
            "compare/data-engineer-vs-ml-engineer.md": (
                {
                    "title": "Data engineer vs ML engineer",
                    "description": "Side by side.",
                    "roles": ["data-engineer", "ml-engineer"],
                    "ideal_if": {
                        "data-engineer": ["You like pipelines"],
                        "ml-engineer": ["You like models"],
                    },
                },
                "## How they differ\n\nA lot.\n",
            ),
            **{
                f"questions/{qid}.md": (meta, f"Explanation of {qid}.\n")
                for qid, meta in QUESTIONS.items()
            },
        }
    )


def render_file(meta: dict, body: str) -> str:
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n" + body


def write_tree(root: Path, files: dict[str, tuple[dict, str]]) -> None:
    for path, (meta, body) in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_file(meta, body), encoding="utf-8")
