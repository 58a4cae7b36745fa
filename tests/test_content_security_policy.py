"""The Content-Security-Policy header (django-csp) and the templates it relies on.

The policy runs no inline script or style, so no template may carry one: scripts and styles
come from static files, data for scripts in ``json_script`` blocks (``type=application/json``,
never executed). The one exception is the API docs' start script, which carries a nonce its
page's policy allows (apps/api/docs.py). tests/browser/test_csp.py checks the pages in a real
browser.
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


def test_the_api_docs_run_only_their_own_start_script(client, db):
    page = client.get("/api/docs/")

    policy = policy_of(page)
    nonce = re.fullmatch(r"'self' 'nonce-([A-Za-z0-9+/=]{20,})'", policy["script-src"])[1]
    assert_strict({**policy, "script-src": "'self'", "img-src": "'self'"})
    assert policy["img-src"] == "'self' data:"  # Swagger UI's stylesheet draws icons with them
    html = page.content.decode()
    assert "<style" not in html
    inline = [attrs for attrs in SCRIPT_TAG.findall(html) if "src=" not in attrs]
    assert inline == [f' nonce="{nonce}"']
    assert "SwaggerUIBundle(" in html
    # A nonce for each answer: one seen once is worth nothing to an attacker.
    assert policy_of(client.get("/api/docs/"))["script-src"] != policy["script-src"]


def test_other_pages_allow_no_nonce(browser):
    assert policy_of(browser("muni_curator").get("/dashboard/"))["script-src"] == "'self'"


def test_no_template_has_inline_script_style_or_handler():
    found = []
    for directory in TEMPLATE_DIRS:
        for template in sorted(directory.rglob("*.html")):
            text = template.read_text()
            name = template.relative_to(REPO_ROOT)
            for attrs in SCRIPT_TAG.findall(text):
                if not re.search(r"src=|application/json|nonce=", attrs):
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
