"""Fixtures of the consultation reports' tests: a report of 祖庙街道党校 (440604010) filed by
its teacher, at any confidentiality and status, a persona of another city's school, and a
small PDF."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import Membership, User
from apps.consultations.models import Report
from apps.organizations.models import Organization

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OWNER = "440604010"


def pdf(name="报告.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def external(db):
    """A teacher of 东莞市委党校 (441900): another city's school, outside the network."""
    user = User.objects.create_user(username="dongguan_teacher")
    Membership.objects.create(
        user=user, organization=Organization.objects.get(code="441900"), role="teacher"
    )
    return user


@pytest.fixture
def make_report(db):
    def make(confidentiality="internal", *, owner=OWNER, by="tA_teacher", **kw):
        fields = {
            "title": f"关于{confidentiality}的咨政建议",
            "summary": "摘要",
            "date": date(2025, 6, 30),
            "confidentiality": confidentiality,
            "owner": Organization.objects.get(code=owner),
            "created_by": User.objects.get(username=by) if by else None,
        }
        fields.update(kw)
        return Report.objects.create(**fields)

    return make
