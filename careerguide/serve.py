"""The production server for `make serve`: granian, configured from the environment.

    python -m careerguide.serve

granian is an HTTP server written in Rust that calls the WSGI application in Python threads.
On this site it serves about twice the requests of gunicorn's gthread workers with the same
processes and threads, because the HTTP parsing and the socket work happen outside Python
and the GIL (`make bench`, docs/benchmarks.md, "gunicorn and granian").
careerguide/gunicorn.conf.py stays usable (``gunicorn -c careerguide/gunicorn.conf.py``).

The same variables as gunicorn.conf.py, with the same defaults (docs/configuration.md):

- Address: ``BIND_HOST:PORT``, by default ``0.0.0.0:8000``.
- ``WEB_CONCURRENCY`` worker processes, by default 2 x cores + 1, capped at 8, each with
  ``WEB_THREADS`` threads (default 4) running the application. Every thread keeps one
  persistent database connection: workers x threads connections at most.
- ``WEB_TIMEOUT`` (default 30 s): on shutdown (SIGTERM or SIGINT) workers stop taking new
  connections and finish the requests they have; a worker still busy after this long is
  killed. A worker that dies is replaced. SIGHUP replaces the workers one by one (new code,
  no downtime). Unlike gunicorn, granian does not kill a worker whose request runs longer
  than the timeout: a stuck request holds one of its worker's threads until it returns.
- Clients that are slow to send their headers are dropped after ``WEB_TIMEOUT`` too.
- The access log goes to stdout, in gunicorn's format; granian's own log to stderr, at
  ``LOG_LEVEL`` (default ``info``).
- Proxy headers: ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed from
  ``FORWARDED_ALLOW_IPS`` only (default ``127.0.0.1,::1``, as gunicorn), so a proxy on the
  same machine can pass the client's address and scheme.

Each worker loads the content before it takes a request, so no visitor waits for it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

ACCESS_LOG_FORMAT = (
    '%(addr)s "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).0fms "%(header{user-agent})s"'
)


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    value = environ.get(name, "").strip()
    return int(value) if value else default


def options(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """granian's settings for ``environ``: keyword arguments of ``granian.Granian``."""
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels

    cores = os.cpu_count() or 1
    host = environ.get("BIND_HOST", "").strip() or "0.0.0.0"
    timeout = _int(environ, "WEB_TIMEOUT", 30)
    return {
        "target": "careerguide.serve:application",
        "factory": True,
        "interface": Interfaces.WSGI,
        "address": host.strip("[]"),
        "port": _int(environ, "PORT", 8000),
        "workers": max(1, _int(environ, "WEB_CONCURRENCY", min(2 * cores + 1, 8))),
        "blocking_threads": max(1, _int(environ, "WEB_THREADS", 4)),
        "websockets": False,
        "workers_kill_timeout": max(1, timeout),
        "respawn_failed_workers": True,
        "http1_settings": HTTP1Settings(header_read_timeout=min(60, max(1, timeout)) * 1000),
        "log_level": LogLevels(environ.get("LOG_LEVEL", "info").strip().lower() or "info"),
        "log_access": True,
        "log_access_format": ACCESS_LOG_FORMAT,
        "log_dictconfig": {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {
                "console": {
                    "class": "logging.StreamHandler",
                    "formatter": "generic",
                    "stream": "ext://sys.stderr",
                },
                "access": {
                    "class": "logging.StreamHandler",
                    "formatter": "access",
                    "stream": "ext://sys.stdout",
                },
            },
        },
    }


def application():
    """The WSGI application for one worker (granian calls this in each): the content loaded,
    proxy headers believed from the trusted addresses only."""
    from granian.utils.proxies import wrap_wsgi_with_proxy_headers

    from careerguide.wsgi import application as django_application

    try:
        from careerguide.content import get_store
        from careerguide.release import site_version

        get_store().refresh()
        site_version()
    except Exception:  # the first request will try again, and report what failed
        logging.getLogger("careerguide").exception("Loading the content at worker start failed")
    trusted = os.environ.get("FORWARDED_ALLOW_IPS", "").strip() or "127.0.0.1,::1"
    return wrap_wsgi_with_proxy_headers(django_application, trusted_hosts=trusted)


def main() -> None:
    from granian import Granian

    Granian(**options()).serve()


if __name__ == "__main__":
    main()
