# PostgreSQL only (other databases get nothing here; see apps/audit/__init__.py):
# 1. the audit table refuses UPDATE and DELETE, whoever sends them;
# 2. row triggers on the four library tables and on memberships record changes made
#    outside the application recorder (QuerySet.update(), bulk_create(), raw SQL,
#    another program) as AuditEvent rows with source "db".

from django.db import migrations

# (app label, model, column of the organisation acted for, column of the repr, operations)
TRACKED = [
    ("courses", "course", "owner_id", "title", "INSERT OR UPDATE OR DELETE"),
    ("faculty", "lecturer", "owner_id", "title", "INSERT OR UPDATE OR DELETE"),
    ("cases", "case", "owner_id", "title", "INSERT OR UPDATE OR DELETE"),
    ("teaching_sites", "teachingsite", "owner_id", "title", "INSERT OR UPDATE OR DELETE"),
    # Membership inserts always come through Model.save() (a post_save signal records them).
    ("accounts", "membership", "organization_id", "", "UPDATE OR DELETE"),
]

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING HINT = 'The audit trail is never changed or removed.';
END;
$$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {audit}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""

# Skipped: a transaction where the application records its own event
# (audit.suppress = 'on'), or this very row (audit.skip holds ",table:id,").
# Columns are reported under Django's field names: "owner_id" -> "owner".
ROW_CHANGE = r"""
CREATE OR REPLACE FUNCTION audit_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
    cur jsonb;
    diff jsonb := '{{}}'::jsonb;
    col text;
    before_value jsonb;
    after_value jsonb;
    row_id bigint;
    actor_id bigint;
    ct_id integer;
BEGIN
    IF coalesce(current_setting('audit.suppress', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
    IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;
    cur := coalesce(new_row, old_row);
    row_id := (cur ->> 'id')::bigint;
    IF strpos(coalesce(current_setting('audit.skip', true), ''),
              ',' || TG_TABLE_NAME || ':' || row_id || ',') > 0 THEN
        RETURN NULL;
    END IF;
    FOR col IN SELECT jsonb_object_keys(cur) LOOP
        CONTINUE WHEN col IN ('id', 'created_at', 'updated_at') OR col LIKE 'search\_%';
        before_value := coalesce(old_row -> col, 'null'::jsonb);
        after_value := coalesce(new_row -> col, 'null'::jsonb);
        CONTINUE WHEN before_value = after_value;
        CONTINUE WHEN before_value IN ('null', '""') AND after_value IN ('null', '""');
        diff := diff || jsonb_build_object(
            CASE WHEN col LIKE '%\_id' THEN left(col, -3) ELSE col END,
            jsonb_build_array(before_value, after_value)
        );
    END LOOP;
    IF TG_OP = 'UPDATE' AND diff = '{{}}'::jsonb THEN
        RETURN NULL;
    END IF;
    actor_id := nullif(current_setting('audit.user_id', true), '')::bigint;
    SELECT id INTO ct_id FROM {content_type} WHERE app_label = TG_ARGV[0] AND model = TG_ARGV[1];
    INSERT INTO {audit} (
        occurred_at, action, source, user_id, username, token_id, organization_id,
        content_type_id, object_id, object_repr, changes, request_id
    ) VALUES (
        clock_timestamp(),
        CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
        'db',
        actor_id,
        coalesce((SELECT username FROM {user} WHERE id = actor_id), ''),
        nullif(current_setting('audit.token_id', true), '')::bigint,
        (cur ->> TG_ARGV[2])::bigint,
        ct_id,
        row_id,
        left(coalesce(cur ->> nullif(TG_ARGV[3], ''), TG_TABLE_NAME || ' #' || row_id), 200),
        diff,
        left(coalesce(nullif(current_setting('audit.request_id', true), ''),
                      'db-tx-' || txid_current()::text), 100)
    );
    RETURN NULL;
END;
$$;
"""

ROW_TRIGGER = """
CREATE TRIGGER audit_row_change AFTER {operations} ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_row_change('{app_label}', '{model}', '{org}', '{repr}');
"""


def _tables(apps):
    names = {
        "audit": apps.get_model("audit", "AuditEvent")._meta.db_table,
        "content_type": apps.get_model("contenttypes", "ContentType")._meta.db_table,
        "user": apps.get_model("accounts", "User")._meta.db_table,
    }
    return {key: f'"{value}"' for key, value in names.items()}


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    tables = _tables(apps)
    schema_editor.execute(APPEND_ONLY.format(**tables), params=None)
    schema_editor.execute(ROW_CHANGE.format(**tables), params=None)
    for app_label, model, org, repr_column, operations in TRACKED:
        table = apps.get_model(app_label, model)._meta.db_table
        schema_editor.execute(
            ROW_TRIGGER.format(
                operations=operations,
                table=f'"{table}"',
                app_label=app_label,
                model=model,
                org=org,
                repr=repr_column,
            ),
            params=None,
        )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    tables = _tables(apps)
    for app_label, model, *_rest in TRACKED:
        table = apps.get_model(app_label, model)._meta.db_table
        schema_editor.execute(f'DROP TRIGGER IF EXISTS audit_row_change ON "{table}";')
    schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_append_only ON {tables['audit']};")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_row_change();")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("accounts", "0001_initial"),
        ("cases", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("courses", "0001_initial"),
        ("faculty", "0001_initial"),
        ("teaching_sites", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
