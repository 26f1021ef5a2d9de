"""An attempt as one step of the quiz sees it, loaded in one small query.

What an attempt asks is frozen when it starts: its items, with their choice order and answer
key. So each process keeps that snapshot after reading it once (or after writing it, when the
attempt starts here), in a bounded least-recently-used map, and a step then reads only what can
change: the attempt's finishing time and its responses, in one row (``AttemptState``), instead
of decoding every item's question and key again. The same query finds a deleted attempt (it
returns no row), so a kept snapshot never outlives its attempt on screen.

Every process can keep its own copy because a snapshot never changes: there is nothing to
invalidate, whatever the number of app servers. The items kept are shared by requests and
threads, and nothing writes to them: a step's responses live beside them, in ``Step.responses``.
What items ask and their keys are the same for every attempt at the same version of a
question (but for the order of its choices), so they are decoded once per distinct text and
shared too: a kept attempt then costs about 10 KB, not the 100 KB of its decoded items.
"""

from __future__ import annotations

import functools
import json
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.db import connections, router, transaction
from django.http import Http404

from .models import Attempt, Item, Response

# About 10 KB per attempt kept (its items, their contents shared), so about 20 MB per process,
# plus at most SHARED_CONTENTS decoded question texts, a few KB each.
SNAPSHOTS_KEPT = 2000
SHARED_CONTENTS = 4096


@functools.lru_cache(maxsize=SHARED_CONTENTS)
def _decode(text: str) -> Any:
    return json.loads(text)


def _shared_json(value, expression, connection):
    """Converter for what items ask and their keys: one decoded object per distinct text,
    shared by every attempt that holds it (read only, like the rest of a snapshot)."""
    return _decode(value) if isinstance(value, str) else value


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The parts of an attempt that never change."""

    attempt: dict[str, Any]  # its fields but finished_at and points
    items: tuple[Item, ...]  # in position order


class Snapshots:
    """Snapshots of recent attempts, by attempt id; the least recently used go first."""

    def __init__(self, size: int = SNAPSHOTS_KEPT):
        self.size = size
        self._kept: OrderedDict[uuid.UUID, Snapshot] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, attempt_id: uuid.UUID) -> Snapshot | None:
        with self._lock:
            snapshot = self._kept.get(attempt_id)
            if snapshot is not None:
                self._kept.move_to_end(attempt_id)
            return snapshot

    def put(self, attempt_id: uuid.UUID, snapshot: Snapshot) -> Snapshot:
        with self._lock:
            self._kept[attempt_id] = snapshot
            self._kept.move_to_end(attempt_id)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return snapshot

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)


snapshots = Snapshots()

# What a step reads the first time (and on databases without JSON aggregation, each time): a
# row per item, with the attempt's changing columns (short, so repeating them on every row
# costs little) and the item's response, if any.
_FIXED = ("id", "owner", "mode", "label", "retake_of_id", "created_at")
_RESPONSE = ("id", "answer", "score", "detail")
_STATE = (
    "position",
    "attempt__finished_at",
    "attempt__points",
    *(f"response__{name}" for name in _RESPONSE),
)
# ...and the first time, the snapshot too.
_ITEM = ("id", "question_id", "kind", "difficulty", "skills", "asked", "key")
_FIRST_TIME = (*(f"attempt__{name}" for name in _FIXED), *_ITEM)


class AttemptRows:
    """One row per item of an attempt, as the ORM gives them for

        Item.objects.filter(attempt_id=...).values_list(*names)

    (names as the ORM takes them: "position", "attempt__points", "response__score"), but
    with the SQL written once per database backend, from the models' table and column names,
    and the values converted by the converters the ORM itself applies to those fields.
    Building the SQL is most of what the ORM spends on this query (about nine tenths of
    it, measured on SQLite), and every step of the quiz runs it, so it is built once. The
    tests check that both give the same rows, on SQLite and on PostgreSQL.
    """

    def __init__(self, names: Sequence[str]):
        self.names = tuple(names)
        self._compiled: dict[str, tuple[str, list[tuple]]] = {}
        self._lock = threading.Lock()

    def rows(self, attempt_id: uuid.UUID) -> list[tuple]:
        connection = connections[router.db_for_read(Item)]
        sql, columns = self._compile(connection)
        param = Item._meta.get_field("attempt").get_db_prep_value(attempt_id, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [param])
            fetched = cursor.fetchall()
        # Only the columns that have converters; the attempt's repeat on every row, so each
        # distinct value of theirs is converted once.
        converting = [(i, col, convs) for i, (col, convs) in enumerate(columns) if convs]
        rows = []
        seen: dict[tuple, Any] = {}
        for row in fetched:
            values = list(row)
            for i, col, converters in converting:
                value = values[i]
                if value is None:  # (the converters of these fields all give None for None)
                    continue
                if col.alias == "a" and (i, value) in seen:
                    values[i] = seen[i, value]
                    continue
                for convert in converters:
                    value = convert(value, col, connection)
                if col.alias == "a":
                    seen[i, values[i]] = value
                values[i] = value
            rows.append(tuple(values))
        return rows

    def _compile(self, connection) -> tuple[str, list[tuple]]:
        compiled = self._compiled.get(connection.vendor)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(connection.vendor)
                if compiled is None:
                    compiled = self._compiled[connection.vendor] = self._build(connection)
        return compiled

    def _build(self, connection) -> tuple[str, list[tuple]]:
        qn = connection.ops.quote_name
        item, attempt, response = Item._meta, Attempt._meta, Response._meta
        tables = {"attempt": ("a", attempt), "response": ("r", response)}
        fields = []
        for name in self.names:
            relation, _, field_name = name.rpartition("__")
            alias, meta = tables[relation] if relation else ("i", item)
            fields.append((meta.get_field(field_name), alias))
        columns = []
        for field, alias in fields:
            col = field.get_col(alias)
            converters = connection.ops.get_db_converters(col)
            if alias == "i" and field.name in ("asked", "key"):
                converters = [*converters, _shared_json]  # in place of JSONField's json.loads
            else:
                converters = converters + col.get_db_converters(connection)
            columns.append((col, converters))
        attempt_fk = qn(item.get_field("attempt").column)
        sql = (
            f"SELECT {', '.join(f'{alias}.{qn(field.column)}' for field, alias in fields)}"
            f" FROM {qn(item.db_table)} i"
            f" INNER JOIN {qn(attempt.db_table)} a ON a.{qn(attempt.pk.column)} = i.{attempt_fk}"
            f" LEFT OUTER JOIN {qn(response.db_table)} r"
            f" ON r.{qn(response.get_field('item').column)} = i.{qn(item.pk.column)}"
            f" WHERE i.{attempt_fk} = %s"
        )
        return sql, columns


state_rows = AttemptRows(_STATE)
first_rows = AttemptRows(_STATE + _FIRST_TIME)  # the first time: the snapshot too

# A step's responses: (position, id, answer, score, detail) for each answered item.
Answered = list[tuple[int, int, Any, float | None, Any]]


class AttemptState:
    """What a step reads once the attempt's snapshot is kept, in one row: the attempt's
    finishing time and points, and its responses packed by the database into one JSON array.

    Read as one row per item (``state_rows``), SQLite hands each row over in a call of its
    own, each of which releases the GIL: with several threads in a worker, each is a chance
    for another thread to take the request's place. Packed, the state is one row however
    long the attempt. The finishing time and points are converted by the ORM's converters
    for their fields; the packed values are what the ORM gives for their fields too (JSON
    decoded, scores as floats), which the tests check on SQLite and PostgreSQL. A database
    without these JSON functions reads ``state_rows`` instead."""

    _PACK = {
        # SQLite writes a REAL into JSON with 15 significant digits, which may not give the
        # same float back: the score goes as text with 17, which always does.
        "sqlite": "json_group_array(json_array({position}, {id}, json({answer}),"
        " CASE WHEN {score} IS NULL THEN NULL ELSE printf('%%!.17g', {score}) END,"
        " json({detail})))",
        "postgresql": "json_agg(json_build_array({position}, {id}, {answer}, {score}, {detail}))",
    }

    def __init__(self):
        self._compiled: dict[str, tuple[str, list[tuple]] | None] = {}
        self._lock = threading.Lock()

    def read(self, attempt_id: uuid.UUID) -> tuple[Any, Any, Answered] | None:
        """(finished_at, points, responses), or None if there is no such attempt."""
        connection = connections[router.db_for_read(Attempt)]
        compiled = self._compile(connection)
        if compiled is None:
            rows = state_rows.rows(attempt_id)
            if not rows:
                return None
            answered = [(row[0], *row[3:]) for row in rows if row[3] is not None]
            return rows[0][1], rows[0][2], answered
        sql, columns = compiled
        param = Attempt._meta.pk.get_db_prep_value(attempt_id, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [param])
            row = cursor.fetchone()
        if row is None:
            return None
        values = []
        for value, (col, converters) in zip(row[:2], columns, strict=True):
            if value is not None:
                for convert in converters:
                    value = convert(value, col, connection)
            values.append(value)
        packed = row[2]
        if isinstance(packed, str | bytes):
            packed = json.loads(packed)
        answered = [
            (position, id_, answer, None if score is None else float(score), detail)
            for position, id_, answer, score, detail in packed or ()
        ]
        return values[0], values[1], answered

    def _compile(self, connection) -> tuple[str, list[tuple]] | None:
        if connection.vendor not in self._compiled:
            with self._lock:
                self._compiled[connection.vendor] = self._build(connection)
        return self._compiled[connection.vendor]

    def _build(self, connection) -> tuple[str, list[tuple]] | None:
        pack = self._PACK.get(connection.vendor)
        if pack is None:
            return None
        qn = connection.ops.quote_name
        item, attempt, response = Item._meta, Attempt._meta, Response._meta
        fields = [attempt.get_field("finished_at"), attempt.get_field("points")]
        columns = []
        for field in fields:
            col = field.get_col("a")
            converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            columns.append((col, converters))
        packed = pack.format(
            position=f"i.{qn(item.get_field('position').column)}",
            **{
                name: f"r.{qn(response.get_field(name).column)}"
                for name in ("id", "answer", "score", "detail")
            },
        )
        attempt_fk = qn(item.get_field("attempt").column)
        sql = (
            f"SELECT {', '.join(f'a.{qn(field.column)}' for field in fields)},"
            f" (SELECT {packed} FROM {qn(item.db_table)} i"
            f" INNER JOIN {qn(response.db_table)} r"
            f" ON r.{qn(response.get_field('item').column)} = i.{qn(item.pk.column)}"
            f" WHERE i.{attempt_fk} = a.{qn(attempt.pk.column)})"
            f" FROM {qn(attempt.db_table)} a WHERE a.{qn(attempt.pk.column)} = %s"
        )
        return sql, columns


attempt_state = AttemptState()


class RowInsert:
    """``instance.save()`` for a new row of one model, as one ``INSERT ... RETURNING`` of the
    given fields with the SQL written once per database backend, and the values prepared by
    each field as the ORM prepares them (``pre_save``, then ``get_db_prep_save``: defaults
    such as ``auto_now_add`` filled in, JSON encoded as the backend stores it). Saving through
    the ORM compiles the statement on every call, which cost twice what running it does, and
    every answer is such an insert. No model signals are sent (nothing listens for these).
    The tests check that both write the same row, on SQLite and on PostgreSQL."""

    def __init__(self, model, names: Sequence[str]):
        self.model = model
        self.fields = [model._meta.get_field(name) for name in names]
        self._compiled: dict[str, str] = {}

    def save(self, instance) -> None:
        """Insert ``instance``; IntegrityError if a constraint refuses it. Inside a transaction
        the insert runs in a savepoint, so that a refusal leaves the transaction usable. Outside
        one (autocommit, as every request runs), the single statement is a transaction of its
        own: wrapping it in ``atomic()`` would only add a BEGIN and a COMMIT, two more round
        trips to the database for each answer."""
        connection = connections[router.db_for_write(self.model)]
        if connection.in_atomic_block:
            with transaction.atomic(using=connection.alias):
                self._insert(instance, connection)
        else:
            self._insert(instance, connection)

    def _insert(self, instance, connection) -> None:
        if not connection.features.can_return_columns_from_insert:  # SQLite before 3.35
            instance.save(force_insert=True)
            return
        sql = self._compiled.get(connection.vendor)
        if sql is None:
            qn = connection.ops.quote_name
            sql = self._compiled[connection.vendor] = (
                f"INSERT INTO {qn(self.model._meta.db_table)}"
                f" ({', '.join(qn(field.column) for field in self.fields)})"
                f" VALUES ({', '.join(['%s'] * len(self.fields))})"
                f" RETURNING {qn(self.model._meta.pk.column)}"
            )
        params = [
            field.get_db_prep_save(field.pre_save(instance, True), connection)
            for field in self.fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            instance.pk = cursor.fetchone()[0]
        instance._state.adding, instance._state.db = False, connection.alias


response_insert = RowInsert(
    Response, ("item", "question_id", "answer", "score", "detail", "answered_at", "scored_at")
)


# A question's share is counted from its answers, so counting grows with them: with a few
# thousand, it cost an answer more than everything else it does. From SHARE_KEPT_FROM answers
# on, each process keeps the share for SHARE_KEPT_SECONDS (a percentage of hundreds of answers
# does not visibly move in a minute) and answering costs no count; below that it is counted
# every time, so the first takers see their own answers in it.
SHARE_KEPT_FROM = 200
SHARE_KEPT_SECONDS = 60
shares = LocMemCache(
    "quiz-takers-shares", {"TIMEOUT": SHARE_KEPT_SECONDS, "OPTIONS": {"MAX_ENTRIES": 2000}}
)


def takers_share(question_id: str) -> dict[str, int] | None:
    """How many scored answers a question has, and the percentage fully right; None when it
    has none. Shown with every answer's feedback, so written once, like AttemptRows, and kept
    a while once the question has many answers."""
    kept = shares.get(question_id)
    if kept is not None:
        return kept
    connection = connections[router.db_for_read(Response)]
    qn = connection.ops.quote_name
    score = qn(Response._meta.get_field("score").column)
    sql = (
        f"SELECT COUNT(*), COUNT(CASE WHEN {score} >= 1 THEN 1 END)"
        f" FROM {qn(Response._meta.db_table)}"
        f" WHERE {qn(Response._meta.get_field('question_id').column)} = %s"
        f" AND {score} IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [question_id])
        answered, right = cursor.fetchone()
    if not answered:
        return None
    share = {"answered": answered, "percent": round(100 * right / answered)}
    if answered >= SHARE_KEPT_FROM:
        shares.set(question_id, share)
    return share


@dataclass
class Step:
    """An attempt's items (shared, never modified) and its responses by position."""

    attempt: Attempt
    items: Sequence[Item]
    responses: dict[int, Response]

    @property
    def total(self) -> int:
        return len(self.items)

    def item(self, position: int) -> Item:
        if not 1 <= position <= self.total:
            raise Http404("No such question in this attempt")
        return self.items[position - 1]

    def response(self, item: Item) -> Response | None:
        return self.responses.get(item.position)

    def pairs(self) -> Iterator[tuple[Item, Response | None]]:
        for item in self.items:
            yield item, self.responses.get(item.position)

    @property
    def current(self) -> int | None:
        """The first position still to answer or to self-assess; None when all are scored."""
        for item in self.items:
            response = self.responses.get(item.position)
            if response is None or response.score is None:
                return item.position
        return None


def load(attempt_id: uuid.UUID | str) -> Step:
    """The attempt with its responses, in one query (which also reads the snapshot the first
    time this process sees the attempt). Http404 if there is no such attempt."""
    try:
        attempt_id = attempt_id if isinstance(attempt_id, uuid.UUID) else uuid.UUID(attempt_id)
    except ValueError:
        raise Http404("No such attempt") from None
    snapshot = snapshots.get(attempt_id)
    if snapshot is not None:
        state = attempt_state.read(attempt_id)
        if state is None:
            raise Http404("No such attempt")
        finished_at, points, answered = state
    else:
        rows = first_rows.rows(attempt_id)
        if not rows:
            raise Http404("No such attempt")
        rows.sort(key=lambda row: row[0])
        snapshot = snapshots.put(attempt_id, _snapshot(attempt_id, rows))
        _, finished_at, points, *_ = rows[0]
        width = 3 + len(_RESPONSE)
        answered = [(row[0], *row[3:width]) for row in rows if row[3] is not None]

    attempt = Attempt(**snapshot.attempt, finished_at=finished_at, points=points)
    responses: dict[int, Response] = {}
    for position, response_id, answer, score, detail in answered:
        item = snapshot.items[position - 1]  # positions run from 1, without gaps
        responses[position] = Response(
            id=response_id,
            item_id=item.pk,
            question_id=item.question_id,
            answer=answer,
            score=score,
            detail=detail,
        )
    return Step(attempt, snapshot.items, responses)


def _snapshot(attempt_id: uuid.UUID, rows: list[tuple]) -> Snapshot:
    start = len(_STATE)
    fixed = dict(zip(_FIXED, rows[0][start : start + len(_FIXED)], strict=True))
    start += len(_FIXED)
    # Model.from_db takes the values in the order of the model's fields.
    order = [f.attname for f in Item._meta.concrete_fields]
    items = []
    for row in rows:
        values = {
            "attempt_id": attempt_id,
            "position": row[0],
            **dict(zip(_ITEM, row[start:], strict=True)),
        }
        items.append(Item.from_db(None, order, [values[name] for name in order]))
    return Snapshot(fixed, tuple(items))


def remember(attempt: Attempt, items: Sequence[Item]) -> None:
    """Keep the snapshot of an attempt this process has just created (if the database gave
    the new items their ids, as PostgreSQL and SQLite do)."""
    if any(item.pk is None for item in items):
        return
    fixed = {name: getattr(attempt, name) for name in _FIXED}
    for item in items:  # shared like those read from the database
        item.asked, item.key = _decode(json.dumps(item.asked)), _decode(json.dumps(item.key))
    ordered = tuple(sorted(items, key=lambda item: item.position))
    snapshots.put(attempt.pk, Snapshot(fixed, ordered))
