"""The page itself: tables first, charts from json_script, ECharts vendored, Chinese first."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.conftest import ORG
from tests.dashboard.conftest import DASHBOARD
from tests.test_translations import read_po

pytestmark = pytest.mark.django_db

APP = Path(settings.BASE_DIR) / "apps" / "dashboard"
CATALOGUE = APP / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_section_has_a_table_and_the_charts_are_data(page, city):
    result = page("muni_curator")

    assert set(result.tables) == {
        "libraries",
        "tiers",
        "domains",
        "gaps",
        "flows",
        "classes",
        "schools",
        "contributions",
        "consultations",
    }
    for key in ("libraries", "tiers", "domains", "gaps", "flows", "classes"):
        data = result.chart(key)
        assert data["type"]
        assert f'data-chart="chart-{key}"' in result.html
    # Chart boxes stay hidden until the script draws them: without JavaScript, only tables.
    assert re.findall(
        r'<div class="chart[^"]*" data-chart="[^"]+" aria-hidden="true" hidden>', result.html
    )
    assert result.chart("libraries")["series"][0]["data"] == [6, 2, 2, 1]


def test_echarts_is_vendored_and_loaded_from_static(page):
    html = page("dA_teacher").html

    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert "/static/dashboard/vendor/echarts.min.js" in scripts
    assert all(src.startswith("/static/") for src in scripts)
    assert "cdn" not in html.lower()
    vendored = Path(finders.find("dashboard/vendor/echarts.min.js"))
    assert vendored.stat().st_size > 500_000
    assert "Apache" in vendored.read_text(encoding="utf-8")[:400]
    assert "Apache License" in (vendored.parent / "echarts.LICENSE").read_text()
    assert finders.find("dashboard/dashboard.js") and finders.find("dashboard/dashboard.css")


def test_the_page_speaks_chinese_first(browser, city):
    response = browser("muni_curator").get(DASHBOARD)
    html = response.content.decode()

    assert response.status_code == 200
    assert "网络看板" in html
    assert "资源复用流向：从发布方到复用学校" in html
    assert "Network dashboard" not in html


def test_the_dashboard_catalogue_is_complete_and_compiled():
    import gettext

    entries = read_po(CATALOGUE)
    assert len(entries) > 50
    assert [msgid for msgid, msgstr in entries.items() if not msgstr.strip()] == []
    with CATALOGUE.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert [m for m, s in entries.items() if compiled.gettext(m) != s] == []


def test_curators_who_may_use_the_admin_get_a_link_to_fill_each_gap(browser, persona):
    curator = persona("dA_curator")
    curator.is_staff = True
    curator.save()

    html = browser("dA_curator").get(DASHBOARD).content.decode()
    teacher_html = browser("dA_teacher").get(DASHBOARD).content.decode()

    assert "/admin/courses/course/add/?domains=" in html
    assert "/admin/courses/course/add/" not in teacher_html


def test_switcher_and_export_link_keep_the_network(page):
    result = page("muni_curator", org=ORG["DA"])

    assert f'href="/dashboard/export/?org={ORG["DA"]}&amp;threshold=5"' in result.html
    assert f'<option value="{ORG["DA"]}" selected>' in result.html
    assert json.loads(result.scripts["chart-gaps"])["threshold"] == 5
