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

    from tracker import selectors
    from tracker.selectors import chair, quality

    time.sleep(random.uniform(1, 10))  # noqa: S311 - workers started together do not all start at once
    warmed = None
    while True:
        today = timezone.localdate()
        if today != warmed:
            try:
                quality.warm_up(today)
                selectors.worklist(today)
                chair.chair_list(today)
                warmed = today
            except Exception:  # the page computes on demand instead: never end the worker
                log.exception("warm-up failed (quality dashboard, worklist or chair list)")
            finally:
                connection.close()  # this thread's own; it sleeps for minutes
        time.sleep(WARM_UP_CHECK_SECONDS)
