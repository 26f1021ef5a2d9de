"""gunicorn settings for `make serve` and production.

    gunicorn -c careerguide/gunicorn.conf.py careerguide.wsgi

Every value can be changed from the environment (docs/configuration.md):

- Address: ``BIND_HOST:PORT``, by default ``0.0.0.0:8000``. All interfaces, because the usual
  home of this server is a container or a platform that routes its own traffic to ``$PORT``.
  With a reverse proxy on the same machine, set ``BIND_HOST=127.0.0.1`` so that only the proxy
  can reach it.
- Processes: ``WEB_CONCURRENCY`` workers, by default 2 x cores + 1, capped at 8, each with
  ``WEB_THREADS`` threads (default 4). Pages are rendered from content held in memory and
  requests spend most of their time waiting on the database, so threads add concurrency
  cheaply; processes add it across cores. Every thread keeps one persistent database
  connection: one app server holds up to workers x threads connections (32 at most with the
  defaults), which must fit, summed over all app servers, in PostgreSQL's
  ``max_connections`` (100 by default).
- ``WEB_TIMEOUT`` (default 30 s): a worker silent for longer is killed and replaced.
- Logs: the access log goes to stdout, gunicorn's own log to stderr.
- preload_app is off: each worker imports the app itself, so ``kill -HUP`` picks up new code
  with no downtime, and no database connection or content store made before the fork is
  shared between processes. The app is small; preloading would save little memory. Each
  worker loads the content before it takes a request (post_worker_init).
"""

import os

_cores = os.cpu_count() or 1


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "careerguide.wsgi:application"
_host = os.environ.get("BIND_HOST", "").strip() or "0.0.0.0"
if ":" in _host and not _host.startswith("["):  # an IPv6 address, such as ::
    _host = f"[{_host}]"
bind = [f"{_host}:{_int('PORT', 8000)}"]

workers = max(1, _int("WEB_CONCURRENCY", min(2 * _cores + 1, 8)))
threads = max(1, _int("WEB_THREADS", 4))
worker_class = "gthread"
timeout = _int("WEB_TIMEOUT", 30)
graceful_timeout = timeout
keepalive = 5  # seconds; above the 1-4 s idle time of typical load balancers' health checks

# Replace each worker after some fifty thousand requests so a slow leak cannot grow unbounded;
# the jitter keeps the workers from all restarting at once. Not fewer: a new worker spends
# about a second of CPU importing the app and loading the content, which spread over a
# thousand requests (the usual advice) would cost each request more than serving a cached
# page does (see `make bench`).
max_requests = 50_000
max_requests_jitter = 5_000

preload_app = False

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# The heartbeat file lives in memory where there is /dev/shm: on a disk-backed /tmp (common in
# containers) a slow fsync can make the arbiter think a healthy worker hung.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# gunicorn's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl), which
# two servers on one machine would fight over. Off unless a path is given.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True

proc_name = "careerguide"


def post_worker_init(worker):
    """Load the content and hash the release before the worker takes its first request, so
    no visitor waits for it (the other workers serve meanwhile)."""
    try:
        from careerguide.content import get_store
        from careerguide.release import site_version

        get_store().refresh()
        site_version()
    except Exception:  # the first request will try again, and report what failed
        worker.log.exception("Loading the content at worker start failed")
