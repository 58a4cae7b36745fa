"""``seed_demo``'s needs surveys (seeds/surveys.py): three surveys, hundreds of anonymous
answers over the city level and the five districts, a gap map with contrast, and the same
data every run."""

import pytest

from apps.surveys import gaps
from apps.surveys.models import Response, ResponseToken, Survey
from seeds.surveys import SURVEYS, seed_surveys

pytestmark = pytest.mark.django_db


def test_three_surveys_with_hundreds_of_answers(persona):
    added = seed_surveys({"muni_curator": persona("muni_curator")})
    expected = sum(sum(per_area.values()) for _t, _a, per_area, _u, _c in SURVEYS)
    assert added == {"surveys": 3, "survey answers": expected}
    assert expected >= 500
    audiences = dict(Survey.objects.values_list("audience", "status"))
    assert audiences == {"schools": "closed", "departments": "open", "trainees": "open"}
    assert Response.objects.count() == expected
    assert ResponseToken.objects.filter(used_at__isnull=False).count() == expected
    assert ResponseToken.objects.filter(used_at__isnull=True).count() == 32
    by_area = set(Response.objects.values_list("area__code", flat=True))
    assert by_area == {"440600", "440604", "440605", "440606", "440607", "440608"}

    result = gaps.gap_map()
    need = {
        (row.domain.code, area.code): cell.need
        for row in result.rows
        for area, cell in zip(result.areas, row.cells, strict=True)
    }
    assert all(value is not None for value in need.values())  # every cell answered
    # contrast: manufacturing wanted most in 顺德, talent in 三水, the business environment least
    assert need["industrial-system", "440606"] > need["industrial-system", "440607"] + 10
    assert need["talent", "440607"] > need["talent", "440604"] + 10
    assert max(v for (d, _a), v in need.items() if d == "business-environment") < min(
        v for (d, _a), v in need.items() if d == "sci-tech"
    )

    assert seed_surveys({"muni_curator": persona("muni_curator")}) == {
        "surveys": 0,
        "survey answers": 0,
    }
    assert Response.objects.count() == expected
