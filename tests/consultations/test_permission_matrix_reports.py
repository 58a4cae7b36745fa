"""The permission matrix, report section: who may see, change, decide on and download a
consultation report, at each confidentiality, through the API (apps/consultations/policy.py).

The report is 祖庙街道党校's (440604010), filed by its teacher (tA_teacher), with a file.

    persona        seat                        public  internal  restricted
    tA_admin       owner, admin                see     see       see
    tA_curator     owner, curator              see     see       see
    tA_teacher     owner, teacher (filed it)   see     see       see
    tA_viewer      owner, viewer               see     see       404
    dA_curator     district above, curator     see     see       404
    dA_teacher     district above, teacher     see     404       404
    muni_admin     city, admin                 see     see       see
    muni_curator   city, curator               see     see       see
    muni_teacher   city, teacher               see     404       404
    tA2_teacher    sibling town, teacher       see     404       404
    dB_curator     another district, curator   see     404       404
    tB_teacher     another district's town     see     404       404
    dept           a department, submitter     see     404       404
    external       another city's school       404     404       404
    anonymous      —                           401     401       401

Of those who see it: edit, the owner's curators and admins and who filed it (else 403);
adopt, curators and admins of the owner and of the schools above it (else 403). Out of
sight, every action answers 404 and the title is in no answer. A refused action changes
nothing: the report, its file and the audit trail stay as they were.
"""

import pytest
from django.forms.models import model_to_dict
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.consultations.models import Report

from .conftest import pdf

pytestmark = pytest.mark.django_db

SEES = {
    "public": {
        "tA_admin",
        "tA_curator",
        "tA_teacher",
        "tA_viewer",
        "dA_curator",
        "dA_teacher",
        "muni_admin",
        "muni_curator",
        "muni_teacher",
        "tA2_teacher",
        "dB_curator",
        "tB_teacher",
        "dept",
    },
    "internal": {
        "tA_admin",
        "tA_curator",
        "tA_teacher",
        "tA_viewer",
        "dA_curator",
        "muni_admin",
        "muni_curator",
    },
    "restricted": {"tA_admin", "tA_curator", "tA_teacher", "muni_admin", "muni_curator"},
}
EDITORS = {"tA_admin", "tA_curator", "tA_teacher"}
DECIDERS = {"tA_admin", "tA_curator", "dA_curator", "muni_admin", "muni_curator"}
PERSONAS = [*sorted(SEES["public"] | {"external"}), None]
LEVELS = ["public", "internal", "restricted"]


def _client(name):
    client = APIClient()
    if name:
        client.force_login(User.objects.get(username=name))
    return client


def _expected(name, level, allowed):
    if name is None:
        return 401
    if name not in SEES[level]:
        return 404
    return 200 if name in allowed else 403


def _state(report):
    report.refresh_from_db()
    return (
        model_to_dict(report, exclude=["file", "lecturers", "domains"]),
        report.file.name,
        AuditEvent.objects.count(),
    )


@pytest.fixture
def report(make_report, external):
    def make(level):
        obj = make_report(level)
        obj.file.save("x", pdf().file, save=True)
        obj.file_name, obj.file_type, obj.file_size = "报告.pdf", "application/pdf", 10
        obj.save()
        return obj

    return make


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", PERSONAS)
def test_see_list_and_download(report, level, name):
    obj = report(level)
    client = _client("dongguan_teacher" if name == "external" else name)
    expected = _expected(name if name != "external" else "external", level, SEES[level])
    read = client.get(f"/api/v1/reports/{obj.pk}/")
    assert read.status_code == expected
    listed = client.get("/api/v1/reports/")
    download = client.get(f"/api/v1/reports/{obj.pk}/attachment/")
    if expected == 200:
        assert read.json()["title"] == obj.title
        assert [r["id"] for r in listed.json()["results"]] == [obj.pk]
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")
    else:
        assert obj.title.encode() not in read.content
        assert download.status_code == expected
        assert obj.title.encode() not in download.content
        if expected == 401:
            assert listed.status_code == 401
        else:
            assert listed.json()["results"] == []
            assert obj.title.encode() not in listed.content


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", PERSONAS)
def test_edit(report, level, name):
    obj = report(level)
    client = _client("dongguan_teacher" if name == "external" else name)
    expected = _expected(name, level, EDITORS)
    before = _state(obj)
    answer = client.patch(f"/api/v1/reports/{obj.pk}/", {"summary": "改过的摘要"}, format="json")
    assert answer.status_code == expected, answer.content
    if expected == 200:
        obj.refresh_from_db()
        assert obj.summary == "改过的摘要" and obj.version == 2
    else:
        assert _state(obj) == before
        assert obj.title.encode() not in answer.content


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", PERSONAS)
def test_adopt(report, level, name):
    obj = report(level)
    client = _client("dongguan_teacher" if name == "external" else name)
    expected = _expected(name, level, DECIDERS)
    before = _state(obj)
    answer = client.post(
        f"/api/v1/reports/{obj.pk}/adopt/",
        {"level": "instruction", "note": "市领导批示", "adopted_on": "2025-08-01"},
        format="json",
    )
    assert answer.status_code == expected, answer.content
    if expected == 200:
        obj.refresh_from_db()
        assert (obj.status, obj.adoption_level) == ("adopted", "instruction")
    else:
        assert _state(obj) == before
        assert Report.objects.get(pk=obj.pk).status == "submitted"


@pytest.mark.parametrize(
    "name,allowed",
    [
        ("tA_admin", True),
        ("tA_curator", True),
        ("tA_teacher", True),
        ("tA_viewer", False),
        ("tA2_teacher", False),
        ("dA_curator", False),
        ("muni_curator", False),
        ("dept", False),
        (None, False),
    ],
)
def test_create_for_the_school(name, allowed):
    """Teachers, curators and admins of a school file its reports; nobody else."""
    client = _client(name)
    answer = client.post(
        "/api/v1/reports/",
        {"owner": "440604010", "title": "新报告", "date": "2025-05-01"},
        format="json",
    )
    assert answer.status_code == (201 if allowed else 401 if name is None else 403)
    assert Report.objects.filter(title="新报告").exists() == allowed
