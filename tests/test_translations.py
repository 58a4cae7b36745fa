"""The interface speaks Chinese first: every interface string has a Chinese translation."""

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


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

        entries[join(msgid.group(1))] = join(msgstr.group(1))
    entries.pop("", None)
    return entries


def test_every_interface_string_has_a_chinese_translation():
    entries = read_po(PO)
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstr in entries.items() if not msgstr.strip()]
    assert untranslated == []


def test_compiled_catalogue_matches_the_po_file():
    entries = read_po(PO)
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [msgid for msgid, msgstr in entries.items() if compiled.gettext(msgid) != msgstr]
    assert stale == [], "run `make messages` to recompile locale/"


def test_chinese_is_the_default_and_english_is_available():
    from apps.sharing.choices import Status

    with translation.override(settings.LANGUAGE_CODE):
        assert str(Status.PUBLISHED.label) == "已发布"
    with translation.override("en"):
        assert str(Status.PUBLISHED.label) == "Published"
