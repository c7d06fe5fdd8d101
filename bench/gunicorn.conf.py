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

# The tracker's metrics, every worker's summed (as deploy/gunicorn.conf.py does): bench/run.py
# gives each tracker server PROMETHEUS_MULTIPROC_DIR, a directory of its own (hello and
# Fortunes get none), and reads the kept renders' counts at /metrics with METRICS_TOKEN.


def on_starting(server):
    """Before the first worker: no numbers of a previous run in the metrics directory."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    """A worker has gone: its gauges stop counting (its counters still add up)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
