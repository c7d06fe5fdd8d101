"""The one gunicorn configuration of `make bench`, for all three apps (hello, fortunes and
the tracker): the same workers, the same worker class, the same logging, so their
throughputs compare. bench/run.py passes the address in BENCH_BIND.

2 sync workers on this 2-core machine (the production set-up in the README's spirit: one
process per core; sync workers close the connection after each response, so every request
also pays a TCP connect — equally for every app). The backlog is deep enough that wrk's 16
connections queue in the kernel rather than being refused.
"""

import os

bind = os.environ.get("BENCH_BIND", "127.0.0.1:8000")
workers = 2
worker_class = "sync"
backlog = 2048
timeout = 60
graceful_timeout = 5
# No access log (it would cost every request a write): bench/run.py --check turns it on,
# into a file, only to count what the server saw against what wrk counted.
accesslog = os.environ.get("BENCH_ACCESS_LOG") or None
access_log_format = "%(m)s %(U)s?%(q)s %(s)s"
errorlog = "-"
loglevel = "warning"
proc_name = os.environ.get("BENCH_NAME", "bench")
