"""The task outbox: every Celery task the services send goes through here.

`enqueue(task, *args)` writes a TaskOutbox row in the caller's transaction (inside atomic or in
autocommit alike) and hands the task to the broker once that transaction commits, marking the row
sent. A broker that is down or unreachable costs the user's request one connection attempt of at
most OUTBOX_PUBLISH_TIMEOUT seconds (no retries, no reconnect loop): the row stays unsent and the
beat's `flush` (every 30 s) sends it when the broker is back, oldest first, stopping at the first
failure. Nothing the user did is lost, and the request answers normally.

A row may reach the broker twice (the commit's send and the flush both took it, or the process died
between the publish and the commit that records it), so every task sent through the outbox must be
idempotent: send_notification_email checks emailed_at under a lock, the job tasks claim their job,
archive chunks skip the items already written, archive rendering the items already stored.
"""

import logging
import time
from contextlib import contextmanager
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import TaskOutbox

logger = logging.getLogger(__name__)

# the flush's batches, and how long one flush may go on (its beat entry expires after 25 s)
FLUSH_BATCH = 200
FLUSH_MAX_SECONDS = 20

NOT_TRIED = "not tried: the broker was unreachable a moment before"

_hooks = {}  # task name -> hook(args, sent)
# after a failed send this process leaves the sends of the next few seconds to the flush, so a
# request that enqueues several tasks waits on a dead broker once, not once per task
_down_until = [0.0]


def on_send(task, hook):
    """Call `hook(args, sent)` when a row of `task` is recorded as sent after an earlier failure
    (sent=True) or as not taken by the broker (sent=False): a job's page says it waits for the
    queue, then no longer. The hook runs in the transaction that records the row."""
    _hooks[task.name] = hook


def enqueue(task, *args):
    """Send `task(*args)` once the current transaction commits (at once in autocommit); the
    row, written now, is the promise that it will be sent. Arguments must be JSON values."""
    return enqueue_many(task, [args])[0]


def enqueue_many(task, args_list):
    """enqueue() for several calls of one task: one INSERT, one connection to the broker."""
    rows = TaskOutbox.objects.bulk_create([TaskOutbox(task=task.name, args=list(args)) for args in args_list])
    ids = [row.pk for row in rows]
    if ids:

        def send_after_commit():
            # a row the flush took meanwhile is locked or sent: skipped here
            pending = TaskOutbox.objects.filter(pk__in=ids).order_by("pk")
            send(pending, after_commit=True)

        transaction.on_commit(send_after_commit)
    return rows


def send(queryset, *, limit=None, after_commit=False):
    """Publish the unsent rows of `queryset` (at most `limit`) in its order, each locked (a
    concurrent send skips it) and marked sent in the transaction of its publish; stop at the
    first broker failure. Returns (how many were sent, the rows looked at, the error or None)."""
    from . import celery_app

    unsent = queryset.filter(sent_at__isnull=True)
    if celery_app.conf.task_always_eager:
        return _run_eagerly(unsent[:limit])
    if after_commit and time.monotonic() < _down_until[0]:
        rows = list(unsent[:limit])
        with transaction.atomic():
            _record_failure(rows, "", tried=False)
            _call_hooks(rows, sent=False)
        return 0, rows, None
    with transaction.atomic():
        rows = list(unsent.select_for_update(skip_locked=True)[:limit])
        if not rows:
            return 0, [], None
        sent, unknown, failed, error = [], [], [], None
        with _broker() as connection:
            for index, row in enumerate(rows):
                task = _task(row.task)
                if task is None:
                    unknown.append(row)
                    continue
                try:
                    task.apply_async(row.args, connection=connection, retry=False)
                except Exception as exc:  # kombu's OperationalError and the like: the broker, not the data
                    failed, error = rows[index:], exc
                    break
                sent.append(row)
        now = timezone.now()
        if sent:
            _down_until[0] = 0.0  # the broker took it: it is back
            TaskOutbox.objects.filter(pk__in=[r.pk for r in sent]).update(
                sent_at=now, attempts=F("attempts") + 1, last_error=""
            )
            _call_hooks([r for r in sent if r.attempts or r.last_error], sent=True)  # those that had failed
        for row in unknown:
            logger.error("task outbox: row %s names the unknown task %s", row.pk, row.task)
            _record_failure([row], f"unknown task {row.task}")
        if failed:
            _record_failure(failed[:1], f"{type(error).__name__}: {error}")
            _record_failure(failed[1:], "", tried=False)
            _call_hooks(failed, sent=False)
            _down_until[0] = time.monotonic() + settings.OUTBOX_FLUSH_AFTER_SECONDS
            logger.warning(
                "task outbox: the broker is unreachable (%s); %d task(s) wait for the flush", error, len(failed)
            )
    return len(sent), rows, error


def flush(now=None):
    """The beat's flush: send the unsent rows older than OUTBOX_FLUSH_AFTER_SECONDS (younger
    ones are their commit's to send), oldest first, FLUSH_BATCH at a time, stopping at the first
    broker failure; then delete the rows sent more than OUTBOX_KEEP_DAYS ago."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.OUTBOX_FLUSH_AFTER_SECONDS)
    unsent = TaskOutbox.objects.filter(sent_at__isnull=True, created_at__lt=cutoff).order_by("created_at", "pk")
    started, total, error, batch = time.monotonic(), 0, None, unsent
    while time.monotonic() - started < FLUSH_MAX_SECONDS:
        sent, rows, error = send(batch, limit=FLUSH_BATCH)
        total += sent
        if error is not None or len(rows) < FLUSH_BATCH:
            break
        # on past this batch: a row left unsent in it (an unknown task) must not hold up the rest
        last = rows[-1]
        batch = unsent.filter(Q(created_at__gt=last.created_at) | Q(created_at=last.created_at, pk__gt=last.pk))
    removed, _per_model = TaskOutbox.objects.filter(
        sent_at__lt=now - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    ).delete()
    return {"sent": total, "removed": removed, "error": f"{type(error).__name__}: {error}" if error else ""}


def in_flight(task_names, *, since):
    """The first arguments (as strings) of the rows of these tasks still unsent, or sent after
    `since`: the sweeper leaves their jobs alone, the flush or a worker is about to take them."""
    rows = TaskOutbox.objects.filter(task__in=list(task_names)).filter(Q(sent_at__isnull=True) | Q(sent_at__gte=since))
    return {str(args[0]) for args in rows.values_list("args", flat=True) if args}


# --- internals ---------------------------------------------------------------------------------------


def _run_eagerly(unsent):
    """Without a broker (a local run, the tests) the task runs here, after its row is marked."""
    rows = list(unsent)
    TaskOutbox.objects.filter(pk__in=[r.pk for r in rows]).update(sent_at=timezone.now(), attempts=F("attempts") + 1)
    for row in rows:
        task = _task(row.task)
        if task is not None:
            task.apply_async(row.args)
    return len(rows), rows, None


@contextmanager
def _broker():
    """One connection for a batch of sends: a single attempt within OUTBOX_PUBLISH_TIMEOUT
    seconds (connect and each socket operation), never kombu's retry loop."""
    from . import celery_app

    timeout = settings.OUTBOX_PUBLISH_TIMEOUT
    connection = celery_app.connection_for_write(
        connect_timeout=timeout,
        transport_options={"max_retries": 0, "socket_connect_timeout": timeout, "socket_timeout": timeout},
    )
    try:
        yield connection
    finally:
        try:
            connection.release()
        except Exception:  # closing a connection that never opened, or died: nothing to keep
            logger.debug("task outbox: closing the broker connection failed", exc_info=True)


def _task(name):
    from . import celery_app

    task = celery_app.tasks.get(name)
    if task is None:
        module = name.rpartition(".")[0]
        try:
            import_module(module)
        except ImportError:
            return None
        task = celery_app.tasks.get(name)
    return task


def _record_failure(rows, error, *, tried=True):
    """A failed attempt on `rows`; rows not tried (the broker failed just before) say so."""
    if not rows:
        return
    fields = {"last_error": (error or NOT_TRIED)[:300]}
    if tried:
        fields["attempts"] = F("attempts") + 1
    TaskOutbox.objects.filter(pk__in=[row.pk for row in rows]).update(**fields)


def _call_hooks(rows, *, sent):
    for row in rows:
        hook = _hooks.get(row.task)
        if hook is not None:
            hook(row.args, sent)
