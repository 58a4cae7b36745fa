"""``manage.py restore`` empties the cached lists: their keys carry content versions of the
timeline the restore discarded, which the restored numbers may repeat (a shared Redis outlives
the database)."""

from io import StringIO

from django.core.cache import caches
from django.core.management import call_command

from apps.backups.management.commands import restore as command


def test_a_restore_empties_the_cached_lists(monkeypatch, tmp_path):
    caches["lists"].set("lists:r2:api:courses.course:7.abc:digest", {"results": ["旧的"]})
    # The restore itself is tested in test_backup_restore.py; here only what the command adds.
    monkeypatch.setattr(command, "database_from_settings", lambda *args: None)
    monkeypatch.setattr(
        command, "restore", lambda *args, **kwargs: {"tables": 3, "rows": 10, "files": 0}
    )

    out = StringIO()
    call_command("restore", str(tmp_path), stdout=out)

    assert "Restore verified" in out.getvalue()
    assert caches["lists"].get("lists:r2:api:courses.course:7.abc:digest") is None
