"""The one bulk writer: COPY on PostgreSQL, batched inserts elsewhere (SQLite in development and
the embedded tests). Every import and every generator of many rows writes through here.

Reads and writes of many rows, none of them a query per row:

- :func:`fetch`: the rows for many keys (one array parameter on PostgreSQL, chunks elsewhere);
- :func:`create`: new model rows, every other column its default, ids drawn from the sequence
  beforehand on PostgreSQL, so nothing is read back; returns the new ids;
- :func:`insert`: rows of exactly the given columns (ids too, when given) into a table — no
  defaults, no ids returned: generated data and loads whose columns are all known;
- :func:`insert_new`: the same, skipping rows that clash with a unique key; returns how many
  were new;
- :func:`update`: given fields of many rows, one ``UPDATE … FROM (VALUES …)`` per batch;
- :func:`copy_lines`: for a writer that formats COPY's text lines itself (the hottest loads),
  the stream in 20,000-line writes; :func:`copy_text` formats one value.

COPY and these statements bypass model ``save()``, signals and simple-history: a caller records
its batch (``core.history.record_batch``) and announces what signals would have announced.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from core.history import record_bulk_changes

#: Keys per query outside PostgreSQL: under every database's bound-parameter limit.
CHUNK = 2000
#: Rows per ``bulk_create`` / ``executemany`` batch outside PostgreSQL.
BATCH = 2000
#: COPY text lines sent per write.
LINES = 20000
#: A load of at least this many new rows is followed by ANALYZE of its table (see insert_new).
ANALYZE_AFTER = 20000


def chunks(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    """``values`` in lists of at most ``size``."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def fetch(make_queryset: Callable, keys: Iterable) -> list:
    """Rows for many keys: ``make_queryset(keys)`` filters with ``field__in=keys``.

    On PostgreSQL one query whose keys travel as a single array (``IN (SELECT unnest(…))``):
    50,000 keys as 50,000 bound parameters cost more to send and parse than to look up.
    Elsewhere in chunks of ``CHUNK``, so no database hits its bound-parameter limit.
    """
    keys = list(keys)
    if not keys:
        return []
    if connection.vendor == "postgresql":
        kind = "bigint" if all(isinstance(key, int) for key in keys) else "text"
        return list(make_queryset(RawSQL(f"SELECT unnest(%s::{kind}[])", (keys,))))
    rows = []
    for chunk in chunks(keys):
        rows.extend(make_queryset(chunk))
    return rows


def update(model, objs: list, fields: Sequence[str]) -> None:
    """Write ``fields`` of ``objs`` (which carry their pk) in a few ``UPDATE … FROM (VALUES …)``.

    Django's ``bulk_update`` builds a ``CASE WHEN`` per row and field, which takes minutes and
    a gigabyte for 50,000 rows; joining a VALUES list is one plain statement per batch. Inside
    ``core.history.collecting_changes`` each changed row's before and after is noted first.
    """
    if not objs:
        return
    record_bulk_changes(model, objs, fields)
    if connection.vendor not in ("postgresql", "sqlite") or (
        connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33)
    ):
        model.objects.bulk_update(objs, fields, batch_size=BATCH)
        return
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        row_sql = "(" + ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in columns) + ")"
    else:
        row_sql = "(" + ", ".join("%s" for _f in columns) + ")"
    table = quote(meta.db_table)
    pk = quote(meta.pk.column)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns[1:])
    names = ", ".join(f"column{i} AS {quote(f.column)}" for i, f in enumerate(columns, start=1))
    batch = max(1, min(1000, (connection.features.max_query_params or 65535) // len(columns)))
    with connection.cursor() as cursor:
        for chunk in chunks(objs, batch):
            params = [
                f.get_db_prep_value(getattr(obj, f.attname), connection, prepared=False)
                for obj in chunk
                for f in columns
            ]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (SELECT {names} FROM (VALUES "
                + ", ".join([row_sql] * len(chunk))
                + f") AS vals) AS v WHERE {table}.{pk} = v.{pk}",
                params,
            )


def create(
    model, fields: Sequence[str], rows: Iterable[tuple], *, count: int | None = None
) -> list[int] | None:
    """Insert new rows of ``model``: each row a tuple of the values of ``fields`` (attnames).

    ``rows`` is a list, or any iterable of ``count`` rows: on PostgreSQL a generator's rows are
    then built while the server is still indexing the ones sent before.

    Every other column gets its default, as ``bulk_create`` would give it (worked out once:
    every row of one call gets the same ``created_at``). Returns the new primary keys in the
    order of ``rows``, or None when the database cannot tell them.

    On PostgreSQL the keys are drawn from the table's sequence in one query and the rows are
    streamed with ``COPY`` (no model instances, no SQL text of 50,000 rows); a duplicate key
    still raises ``IntegrityError``. Elsewhere ``bulk_create``.
    """
    if count is None:
        rows = list(rows)
        count = len(rows)
    if not count:
        return []
    meta = model._meta
    if connection.vendor != "postgresql":
        objs = model.objects.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=BATCH
        )
        ids = [obj.pk for obj in objs]
        return None if None in ids else ids
    given = [meta.get_field(name) for name in fields]
    template = model()
    rest = [f for f in meta.concrete_fields if not f.primary_key and f not in given]
    defaults = tuple(f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in rest)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in (meta.pk, *given, *rest))
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            write = copy.write_row
            for pk, row in zip(ids, rows, strict=True):
                write((pk, *row, *defaults))
    return ids


def copy_text(value) -> str:
    """One value in COPY's text format (``\\N`` for NULL, tabs and newlines escaped)."""
    if value is None:
        return "\\N"
    if value.__class__ is str:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_lines(cursor, table: str, columns: Sequence[str], lines: Iterable[str]) -> None:
    """PostgreSQL only: ``COPY table (columns) FROM STDIN`` of ready text ``lines`` (each ending
    in ``\\n``, values through :func:`copy_text`), sent ``LINES`` at a time. ``cursor`` is a
    Django cursor; ``table`` and ``columns`` are quoted here."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with cursor.cursor.copy(sql) as copy:
        batch = []
        for line in lines:
            batch.append(line)
            if len(batch) >= LINES:
                copy.write("".join(batch))
                batch = []
        if batch:
            copy.write("".join(batch))


def _adapters(model, columns: Sequence[str]) -> list:
    """Per column, how a Python value becomes what ``executemany`` binds (None: as it is)."""
    meta = model._meta
    adapters = []
    for name in columns:
        field = meta.get_field(name)
        if field.get_internal_type() in (
            "CharField",
            "TextField",
            "IntegerField",
            "BigIntegerField",
            "ForeignKey",
            "AutoField",
            "BigAutoField",
            "BooleanField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveSmallIntegerField",
            "FloatField",
        ):
            adapters.append(None)
        else:
            adapters.append(lambda value, f=field: f.get_db_prep_save(value, connection))
    return adapters


def _insert_sql(model, columns: Sequence[str], conflict: Sequence[str] | None) -> tuple[str, str]:
    meta = model._meta
    quote = connection.ops.quote_name
    names = ", ".join(quote(meta.get_field(c).column) for c in columns)
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    if conflict:
        sql += f" ON CONFLICT ({', '.join(quote(meta.get_field(c).column) for c in conflict)}) DO NOTHING"
    return sql, names


def _execute_batches(cursor, sql: str, adapters: list, rows: Iterable[Sequence]) -> int:
    """``executemany`` in batches of ``BATCH``; the number of rows the database says it inserted."""
    done = 0
    adapted = [(i, a) for i, a in enumerate(adapters) if a is not None]
    batch = []
    for row in rows:
        if adapted:
            row = list(row)
            for i, adapt in adapted:
                row[i] = adapt(row[i])
        batch.append(row)
        if len(batch) >= BATCH:
            cursor.executemany(sql, batch)
            done += max(cursor.rowcount, 0)
            batch = []
    if batch:
        cursor.executemany(sql, batch)
        done += max(cursor.rowcount, 0)
    return done


def _lines(rows: Iterable[Sequence]) -> Iterator[str]:
    for row in rows:
        yield "\t".join([copy_text(v) for v in row]) + "\n"


def insert(model, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert ``rows`` (values of ``columns``, attnames, a primary key among them when given) into
    ``model``'s table as they are: no defaults filled in, no ids returned, no sequence moved
    (a caller that gives ids resets the sequence). COPY on PostgreSQL, batched INSERT elsewhere."""
    columns = list(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = [model._meta.get_field(c).column for c in columns]
            copy_lines(cursor, model._meta.db_table, names, _lines(rows))
        else:
            sql, _names = _insert_sql(model, columns, None)
            _execute_batches(cursor, sql, _adapters(model, columns), rows)


def insert_new(
    model,
    columns: Sequence[str],
    rows: Iterable[Sequence],
    *,
    conflict: Sequence[str] | None,
    analyze: bool = True,
) -> int:
    """Insert ``rows`` (values of ``columns``, attnames) into ``model``'s table, skipping every row
    whose ``conflict`` columns (a unique key) are already stored or came earlier in ``rows``.
    Returns how many rows were new. Runs in its own ``transaction.atomic()`` (a savepoint inside the caller's).

    PostgreSQL: COPY into a temporary table, then one ``INSERT … SELECT … ON CONFLICT DO
    NOTHING``; a load of ``ANALYZE_AFTER`` new rows or more is followed by ANALYZE, so the
    planner does not judge the next query by the table's size before the load (``analyze=False``
    leaves that to the caller, e.g. to analyze only the partitions it wrote). Elsewhere batched
    ``INSERT … ON CONFLICT DO NOTHING``.

    ``conflict=None`` skips a row that clashes with any unique key: for a partitioned table, whose
    keys must include the partition column, so that the model's own key is not one the database has.
    """
    columns = list(columns)
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sql, _names = _insert_sql(model, columns, conflict)
            if conflict is None:
                sql += " ON CONFLICT DO NOTHING"
            return _execute_batches(cursor, sql, _adapters(model, columns), rows)
        names = [meta.get_field(c).column for c in columns]
        quoted = ", ".join(quote(n) for n in names)
        target = "" if conflict is None else "(" + ", ".join(quote(meta.get_field(c).column) for c in conflict) + ") "
        load_name = f"_bulk_load_{meta.db_table}"
        load = quote(load_name)
        with transaction.atomic():
            # Dropped at commit, and with the transaction when anything fails.
            cursor.execute(
                f"CREATE TEMP TABLE {load} ON COMMIT DROP AS SELECT {quoted} FROM {table} WITH NO DATA"
            )
            copy_lines(cursor, load_name, names, _lines(rows))
            cursor.execute(
                f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM {load} ON CONFLICT {target}DO NOTHING"
            )
            created = max(cursor.rowcount, 0)
            cursor.execute(f"DROP TABLE {load}")
            if analyze and created >= ANALYZE_AFTER:
                cursor.execute(f"ANALYZE {table}")
        return created
