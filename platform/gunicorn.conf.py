"""gunicorn settings: ``gunicorn -c platform/gunicorn.conf.py config.wsgi`` from the repo root."""

import multiprocessing
import os

# The configuration package lives in platform/ (import name ``config``).
pythonpath = "platform"
wsgi_app = "config.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Sync workers: requests are short and database-bound; two per core is the usual start.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
# Recycle workers to keep memory flat (the benchmark sets 0 to measure real growth).
max_requests = int(os.environ.get("MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = os.environ.get("ACCESS_LOG", "-") or None  # "" turns the access log off
# The path without its query string, and no Referer: a query string or a referring URL may
# carry a token. (The application's own request log, apps.operations.logs, has the rest:
# request id, user, seat, timing, the query with secrets redacted.)
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Load the Chinese segmenter's dictionary (about 0.7 s) before the first request, not
    during it: otherwise each worker's first search waits for it."""
    from apps.search.segmenter import segmenter

    segmenter()


# Prometheus with several workers (apps.operations.metrics): set PROMETHEUS_MULTIPROC_DIR to a
# directory of its own for the web server; each worker writes its samples there and /metrics
# adds them up across workers. It is emptied when gunicorn starts, and a dead worker's gauges
# are dropped (its counters stay counted).


def on_starting(server):
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        os.makedirs(path, exist_ok=True)
        for name in os.listdir(path):
            if name.endswith(".db"):
                os.remove(os.path.join(path, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
