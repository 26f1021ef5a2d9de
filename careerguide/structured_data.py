"""schema.org JSON-LD for the site's pages (a role's Occupation, the quiz's Quiz), built from
the same figures the page shows. Templates write it with `{% ld_json %}`
(careerguide/templatetags/site.py)."""

from __future__ import annotations

from careerguide.content import Document


def occupation(doc: Document, skills: list[Document], url: str) -> dict:
    meta = doc.meta
    pay = meta.pay[0]
    return {
        "@context": "https://schema.org",
        "@type": "Occupation",
        "name": doc.title,
        "description": meta.description,
        "url": url,
        "educationRequirements": meta.typical_education,
        "experienceRequirements": meta.experience,
        "skills": ", ".join(skill.title for skill in skills),
        "occupationLocation": [{"@type": "Country", "name": pay.region}],
        "estimatedSalary": [
            {
                "@type": "MonetaryAmountDistribution",
                "name": f"{figure.occupation}, median ({figure.as_of})",
                "currency": "USD",
                "duration": "P1Y",
                "median": figure.median_usd,
            }
            for figure in meta.pay
        ],
        "sampleOfTasks": list(meta.daily_work),
    }


def quiz(question_count: int, url: str) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "Quiz",
        "name": "Machine learning engineer interview practice",
        "url": url,
        "about": {"@type": "Thing", "name": "Machine learning engineering interviews"},
        "educationalLevel": "beginner to advanced",
        "numberOfQuestions": question_count,
    }
