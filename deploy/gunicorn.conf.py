"""gunicorn's configuration in production (deploy/pledge-tracker-web.service), behind nginx
(deploy/nginx/pledge-tracker.conf):

    .venv/bin/gunicorn --config deploy/gunicorn.conf.py wsgi:app

run from the repository root, with the app's settings in the environment (README,
Configuration). What may differ between machines comes from the environment too:

    WEB_CONCURRENCY      workers (default: 2 per CPU + 1, at most 8)
    GUNICORN_BIND        address to listen on (default 127.0.0.1:8000: nginx on this machine)
    FORWARDED_ALLOW_IPS  whose X-Forwarded-* headers gunicorn believes (default 127.0.0.1)

Sync workers, one request each at a time: nginx buffers slow clients' requests and
responses, so a worker is only ever busy with the app itself. The client's address and
scheme reach the app through TRUSTED_PROXIES=1 (Werkzeug's ProxyFix), not through gunicorn.
"""

import os
import re
import shutil
import tempfile

from gunicorn import glogging

# --- serving ----------------------------------------------------------------------------


def _cpus() -> int:
    """The CPUs this process may use (taskset, cgroup cpusets), else all of them."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"
# Each worker holds the app (about 150 MB) and its own kept renders (up to
# RENDER_CACHE_LOCAL_BYTES, 32 MB): past 8, set WEB_CONCURRENCY for the machine's memory.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * _cpus() + 1, 8))
worker_class = "sync"
# A request that takes longer than this is killed (its worker restarted): an import of
# IMPORT_MAX_BYTES or a PDF report finishes well within it.
timeout = 30
# On SIGHUP (systemctl reload) and SIGTERM (stop), workers finish the request in hand first.
graceful_timeout = 30
# A fresh worker after about 1000 requests (staggered, so they do not all restart at once):
# whatever a long-lived process accumulates is given back.
max_requests = 1000
max_requests_jitter = 100
# Each worker imports the app itself: a reload (SIGHUP) then loads new code, and nothing
# (database connections, Redis clients, the version board's file) is shared across fork.
preload_app = False
# gunicorn believes X-Forwarded-Proto only from here (nginx on this machine). With the app on
# another machine than nginx, set FORWARDED_ALLOW_IPS to nginx's address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1"
# gunicorn 25.1+ opens a control socket in $HOME/.gunicorn by default: systemd manages this
# server (reload: SIGHUP), and the unit's file system is read-only.
control_socket_disable = True
proc_name = "pledge-tracker-web"

# --- logging: standard output and error, to the journal (journalctl -u pledge-tracker-web) --

# One line per request: the client (the last address is the one nginx saw), the request
# line, status, bytes, milliseconds and user agent. The journal adds the time. nginx's own
# access log has the referrer.
accesslog = "-"
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'

# The one-time links (set a password, reset it, confirm an address, follow or unsubscribe)
# carry their secret in the path: the log writes "[token]" in its place, so that whoever
# reads the journal cannot use a link that has not been used yet.
_SECRET_IN_PATH = re.compile(r"(/(?:set-password|reset-password|confirm|stop|unsubscribe)/)[^/?\s]+")


class _Redacting(glogging.Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "U", "{raw_uri}e"):
            if isinstance(atoms.get(name), str):
                atoms[name] = _SECRET_IN_PATH.sub(r"\1[token]", atoms[name])
        return atoms


logger_class = _Redacting
errorlog = "-"
loglevel = "info"

# --- metrics: every worker's numbers summed at /metrics (tracker/monitoring) --------------

# prometheus_client's multiprocess mode: each worker writes its numbers to files in this
# directory, which /metrics adds up. It must start empty and belong to this server alone:
# the unit gives it /run/pledge-tracker/metrics (RuntimeDirectory, emptied at each start);
# without one, a fresh temporary directory, removed when the server stops.
_TEMPORARY = "pledge-tracker-metrics-"
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix=_TEMPORARY)


def on_starting(server):
    """Before the first worker: an empty metrics directory (no numbers of a previous run)."""
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.endswith(".db"):
            os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    """A worker has gone (max_requests, a reload, a timeout): its gauges stop counting."""
    try:
        from prometheus_client import multiprocess
    except ImportError:
        return
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    if os.path.basename(directory).startswith(_TEMPORARY):  # made above (this file runs again on a reload)
        shutil.rmtree(directory, ignore_errors=True)
