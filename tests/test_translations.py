"""The interface speaks Chinese first: every interface string has a Chinese translation."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# The project's catalogue and the apps' own (an app with a locale/ folder keeps its strings
# there: `make messages` files each string under the nearest one).
CATALOGUES = [
    PO,
    *sorted(Path(settings.BASE_DIR).glob("apps/*/locale/zh_Hans/LC_MESSAGES/django.po")),
]


def read_po(path: Path) -> dict[str, str]:
    """msgid → msgstr from a .po file (single-form entries, as this catalogue has)."""
    entries: dict[str, str] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        assert "#, fuzzy" not in block, f"fuzzy entry left in the catalogue:\n{block}"
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        if not msgid or not msgstr:
            continue

        def join(group: str) -> str:
            return "".join(
                bytes(s, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
                for s in re.findall(r'"(.*)"', group)
            )

        msgctxt = re.search(r'^msgctxt ((?:".*"\n?)+)', block, re.M)
        key = join(msgid.group(1))
        if msgctxt:  # as gettext keys it: context, EOT, message
            key = f"{join(msgctxt.group(1))}\x04{key}"
        entries[key] = join(msgstr.group(1))
    entries.pop("", None)
    return entries


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_every_interface_string_has_a_chinese_translation(po):
    entries = read_po(po)
    assert entries
    untranslated = [msgid for msgid, msgstr in entries.items() if not msgstr.strip()]
    assert untranslated == []


def test_the_project_catalogue_is_the_big_one():
    assert len(read_po(PO)) > 100


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_compiled_catalogue_matches_the_po_file(po):
    entries = read_po(po)
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [msgid for msgid, msgstr in entries.items() if compiled.gettext(msgid) != msgstr]
    assert stale == [], "run `make messages` to recompile the catalogues"


def test_chinese_is_the_default_and_english_is_available():
    from apps.sharing.choices import Status

    with translation.override(settings.LANGUAGE_CODE):
        assert str(Status.PUBLISHED.label) == "已发布"
    with translation.override("en"):
        assert str(Status.PUBLISHED.label) == "Published"
