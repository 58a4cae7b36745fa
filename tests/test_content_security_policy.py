"""The Content-Security-Policy header (django-csp) and the templates it relies on.

The policy runs no inline script or style, so no template may carry one: scripts and styles
come from static files, data for scripts in ``json_script`` blocks (``type=application/json``,
never executed). tests/browser/test_csp.py checks the pages in a real browser.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

REPO_ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [REPO_ROOT / "templates", *sorted((REPO_ROOT / "apps").glob("*/templates"))]
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        name: value
        for name, _space, value in (part.strip().partition(" ") for part in header.split(";"))
        if name
    }


def assert_strict(policy: dict[str, str]) -> None:
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert not any("unsafe" in value for value in policy.values())


@pytest.mark.parametrize(
    "path", ["/", "/login/", "/library/courses/", "/dashboard/", "/admin/login/", "/api/v1/me/"]
)
def test_every_answer_carries_the_strict_policy(browser, path):
    response = browser("muni_curator").get(path)

    assert response.status_code == 200, path
    assert_strict(policy_of(response))


def test_errors_carry_it_too(client, db):
    assert_strict(policy_of(client.get("/api/v1/courses/")))  # 401, problem+json
    assert_strict(policy_of(client.get("/library/no-such-library/")))  # 404 page


def test_the_api_docs_start_swagger_ui_from_a_file(client, db):
    page = client.get("/api/docs/")

    policy = policy_of(page)
    assert_strict({**policy, "img-src": "'self'"})
    assert policy["img-src"] == "'self' data:"  # Swagger UI's stylesheet draws icons with them
    html = page.content.decode()
    assert "<style" not in html
    sources = SCRIPT_TAG.findall(html)
    assert sources and all("src=" in attrs for attrs in sources), sources
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in script.content


def test_no_template_has_inline_script_style_or_handler():
    found = []
    for directory in TEMPLATE_DIRS:
        for template in sorted(directory.rglob("*.html")):
            text = template.read_text()
            name = template.relative_to(REPO_ROOT)
            for attrs in SCRIPT_TAG.findall(text):
                if "src=" not in attrs and "application/json" not in attrs:
                    found.append(f"{name}: inline <script{attrs}>")
            if re.search(r"<style\b", text, re.IGNORECASE):
                found.append(f"{name}: <style>")
            if re.search(r"\sstyle\s*=", text, re.IGNORECASE):
                found.append(f"{name}: style attribute")
            if INLINE_HANDLER.search(text):
                found.append(f"{name}: inline event handler")
            if "javascript:" in text.lower():
                found.append(f"{name}: javascript: URL")
    assert found == []
