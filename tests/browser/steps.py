"""Steps the browser tests share, written as a person would do them."""

from __future__ import annotations

PASSWORD = "Browser-test-2024!"


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Through the real login form; ends on the page the form sends to (home)."""
    page.goto("/login/")
    page.locator("main input[name=username]").fill(username)
    page.locator("main input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/login/" not in page.url, f"sign-in as {username} failed: still on {page.url}"


def assert_chinese(page) -> None:
    """The page was rendered in Chinese: <html lang> says so."""
    lang = page.locator("html").get_attribute("lang") or ""
    assert lang.startswith("zh"), f"page rendered in {lang!r}, not Chinese: {page.url}"


def zh(text) -> str:
    """An interface string as the Chinese pages show it (the msgid itself if untranslated)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return str(translation.gettext(text) if isinstance(text, str) else text)
