"""Keeping the search columns filled: save(), the services, reuse copies, bulk writes and
``manage.py reindex_search``; the segmenter loaded once; the GIN index on PostgreSQL."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import jieba
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.cases.models import Case
from apps.courses.models import Course
from apps.search import segmenter
from apps.sharing import services
from apps.sharing.registry import libraries
from tests.conftest import ORG

pytestmark = pytest.mark.django_db

REPO_ROOT = Path(__file__).resolve().parents[2]


def titles(user, q, model=Course):
    return [obj.title for obj in model.objects.restrict(user, "view").search_ranked(q)]


def test_save_fills_the_search_columns_from_title_and_content(make):
    course = make("courses", title="金融赋能实体经济", summary="普惠金融", outline="AI 风控")

    course.refresh_from_db()
    assert {"金融", "赋能", "实体", "经济", "融赋"} <= set(course.search_title.split())
    assert {"普惠", "金融", "ai"} <= set(course.search_body.split())
    assert "实体" not in course.search_body.split()  # the title is indexed apart


def test_an_edit_through_the_services_reindexes(make, persona):
    teacher = persona("tA_teacher")
    course = make("courses", title="村级工业园区改造")

    services.resource_update(Course, user=teacher, pk=course.pk, data={"title": "金融赋能"})

    assert titles(teacher, "园区") == []
    assert titles(teacher, "金融") == ["金融赋能"]


def test_save_with_update_fields_reindexes_only_when_indexed_text_is_among_them(make):
    course = make("courses", title="园区改造")
    Course.objects.filter(pk=course.pk).update(search_title=" stale ")
    course.refresh_from_db()

    course.status = "draft"
    course.save(update_fields=["status"])
    course.refresh_from_db()
    assert course.search_title == " stale "

    course.title = "金融"
    course.save(update_fields=["title"])
    course.refresh_from_db()
    assert course.search_title.split() == ["金融", "金", "融"]


def test_a_reuse_copy_is_found_by_its_new_owner(make, persona):
    source = make("courses", owner="M", title="三龙湾园区建设", status="published", scope="network")

    copy = services.resource_reuse(
        Course, user=persona("tA_teacher"), pk=source.pk, target_code=ORG["TA"]
    )

    found = Course.objects.restrict(persona("tA_teacher"), "view").search("园区")
    assert set(found.values_list("pk", flat=True)) == {source.pk, copy.pk}


def test_reindex_search_refills_rows_written_around_save(make, persona):
    teacher = persona("tA_teacher")
    for i in range(3):
        make("courses", title=f"工业上楼样本{i}")
    case = make("cases", title="工业上楼的禅城做法")
    Course.objects.update(search_title="", search_body="")  # as bulk writes would leave them
    Case.objects.update(search_title="", search_body="")
    assert titles(teacher, "工业上楼") == []

    out = StringIO()
    call_command("reindex_search", "courses", "--batch-size", "2", stdout=out)

    assert len(titles(teacher, "工业上楼")) == 3
    assert titles(teacher, "工业上楼", Case) == []  # only the library asked for
    lines = out.getvalue().splitlines()
    assert lines[:2] == ["courses: 2/3", "courses: 3/3"]
    assert "Reindexed 3 resources." in lines[-1]

    call_command("reindex_search", stdout=StringIO())
    assert titles(teacher, "工业上楼", Case) == [case.title]


def test_reindex_search_keeps_versions_and_update_times(make):
    course = make("courses", title="园区")
    before = Course.objects.values_list("version", "updated_at").get(pk=course.pk)

    call_command("reindex_search", stdout=StringIO())

    assert Course.objects.values_list("version", "updated_at").get(pk=course.pk) == before


def test_reindex_search_refuses_an_unknown_library():
    with pytest.raises(CommandError, match="Unknown library: nope"):
        call_command("reindex_search", "nope", stdout=StringIO())


# ---- the segmenter ---------------------------------------------------------------------------


def test_the_segmenter_is_loaded_once_per_process(make, persona, monkeypatch):
    monkeypatch.setattr(segmenter, "_segmenter", None)  # as in a fresh process
    loads = []
    initialize = jieba.Tokenizer.initialize

    def counting(self, *args, **kwargs):
        loads.append(self)
        return initialize(self, *args, **kwargs)

    monkeypatch.setattr(jieba.Tokenizer, "initialize", counting)
    teacher = persona("tA_teacher")

    make("courses", title="村级工业园区改造")  # indexing
    assert titles(teacher, "村级工业园区改造") == ["村级工业园区改造"]  # a search
    assert titles(teacher, "工业园区的村级改造") == []  # another
    make("cases", title="金融赋能实体经济")

    assert len(loads) == 1
    assert segmenter.segmenter() is loads[0]


def test_starting_django_does_not_load_the_segmenter():
    code = (
        "import sys, django; django.setup(); "
        "import apps.sharing.filters, apps.search.query; "
        "print('jieba' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": ".:platform"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


# ---- PostgreSQL: the GIN index ---------------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL only"
)


@postgres_only
@pytest.mark.postgres_only
def test_every_library_has_its_gin_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, indexname, indexdef FROM pg_indexes")
        indexes = {(table, name): sql for table, name, sql in cursor.fetchall()}

    for library in libraries():
        meta = library.model._meta
        sql = indexes[(meta.db_table, f"{meta.model_name}_search")]
        assert "USING gin" in sql
        assert "to_tsvector('simple'::regconfig" in sql


@postgres_only
@pytest.mark.postgres_only
def test_a_search_can_be_answered_from_the_index(make, persona):
    make("courses", title="村级工业园区改造")
    # Unordered, and with sequential and plain index scans off, the only way left to answer
    # is a bitmap scan of an index on the search vector: the GIN index must be usable.
    queryset = Course.objects.search("园区 改造").order_by()

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = queryset.explain()

    assert "course_search" in plan, plan
