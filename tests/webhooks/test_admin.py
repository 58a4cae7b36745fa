"""The admin site shows webhooks and deliveries read-only to superusers and municipal admins."""

import pytest

from apps.accounts.models import User
from apps.organizations.models import Organization
from apps.webhooks.models import Attempt, Delivery, Webhook
from tests.conftest import ORG

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "status"),
    [("superuser", 200), ("muni_admin", 200), ("muni_curator", 403), ("tA_admin", 403)],
)
def test_the_admin_shows_webhooks_read_only(who, status, persona, client):
    if who == "superuser":
        user = User.objects.create_superuser("root_hooks", password=None)
    else:
        user = persona(who)
        user.is_staff = True
        user.save()
    webhook = Webhook.objects.create(
        organization=Organization.objects.get(code=ORG["DEP"]),
        created_by=persona("dept"),
        url="https://hooks.example.cn/fgj",
        events=["published"],
        secret="never-shown-in-the-admin",
    )
    delivery = Delivery.objects.create(webhook=webhook, event_key="e", kind="published", payload={})
    Attempt.objects.create(delivery=delivery, number=1, at=delivery.created_at, error="HTTP 500")
    client.force_login(user)
    for path in ("/admin/webhooks/webhook/", "/admin/webhooks/delivery/"):
        assert client.get(path).status_code == status
    if status == 200:
        page = client.get(f"/admin/webhooks/webhook/{webhook.pk}/change/").content.decode()
        assert "hooks.example.cn" in page
        assert "never-shown-in-the-admin" not in page
        assert 'name="_save"' not in page
        detail = client.get(f"/admin/webhooks/delivery/{delivery.pk}/change/").content.decode()
        assert "HTTP 500" in detail and 'name="_save"' not in detail
        assert client.get("/admin/webhooks/webhook/add/").status_code == 403
        assert client.get(f"/admin/webhooks/webhook/{webhook.pk}/delete/").status_code == 403
        assert client.post(f"/admin/webhooks/delivery/{delivery.pk}/delete/").status_code == 403
    assert Webhook.objects.count() == 1 and Delivery.objects.count() == 1
