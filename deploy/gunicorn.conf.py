"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Threaded workers (gthread): a sync worker stalls on an idle keep-alive connection, and the pages
spend most of their time waiting on the database, so threads serve more users per core. Two
workers per core plus one, four threads each; both can be overridden from the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# A slow request is ended after this long rather than holding a worker for ever.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Restart workers now and then, so that a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# Trust X-Forwarded-* only from the local reverse proxy.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# The quality dashboard's items are kept per worker and per day (tracker/selectors/quality.py):
# bring them in when a worker starts and again each new day, in the background, rather than
# while the first reader of the day waits. They are read from the shared copies the nightly
# refresh_status wrote (about 1.5 s at 20,000 patients), or computed and written when there are
# none yet. Today's worklist and chair list are read then too (tracker/selectors/worklist.py
# and chair.py keep them per worker), so that the first nurse of the day does not wait for
# every patient's status.
# QUALITY_WARM_UP=0 turns both off.
QUALITY_WARM_UP = os.environ.get("QUALITY_WARM_UP", "1") != "0"
WARM_UP_CHECK_SECONDS = 300

# The app is loaded, and the day's copies brought in, once in the master before it forks the
# workers: each worker (and each one started again after max_requests) begins with them, shared
# copy-on-write, instead of every worker computing the same at once on the same cores (the
# quality dashboard's first view took 2.3 s at 20,000 patients with five workers warming up
# beside it; issue 14 item 4). A code deploy therefore needs a restart, not a HUP.
preload_app = True


def when_ready(server):
    """Before the workers are forked: the day's copies, then no database connection left open
    (a connection must never be shared by two processes)."""
    if not QUALITY_WARM_UP:
        return
    from django.db import connections

    try:
        _warm_up(server.log)
    finally:
        connections.close_all()


def _warm_up(log):
    """The day's quality items, worklist and chair list; the day, or None when it failed."""
    from django.utils import timezone

    from tracker import selectors
    from tracker.selectors import chair, quality

    today = timezone.localdate()
    try:
        quality.warm_up(today)
        selectors.worklist(today)
        chair.chair_list(today)
    except Exception:  # the pages compute on demand instead: never stop the server or a worker
        log.exception("warm-up failed (quality dashboard, worklist or chair list)")
        return None
    return today


def post_worker_init(worker):
    if not QUALITY_WARM_UP:
        return
    import threading

    threading.Thread(target=_warm_up_daily, args=(worker.log,), daemon=True).start()


def _warm_up_daily(log):
    import random
    import time

    from django.db import connection
    from django.utils import timezone

    time.sleep(random.uniform(1, 10))  # noqa: S311 - workers started together do not all start at once
    warmed = None
    while True:
        today = timezone.localdate()
        if today != warmed:
            try:
                warmed = _warm_up(log)
            finally:
                connection.close()  # this thread's own; it sleeps for minutes
        time.sleep(WARM_UP_CHECK_SECONDS)
