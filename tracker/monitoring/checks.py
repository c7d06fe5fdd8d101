"""Readiness: can this process serve requests? Its database answers, and so does Redis
when one is configured (the data version, kept renders and throttle counters live there)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis
import sqlalchemy as sa

from ..core import settings
from ..core.extensions import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str  # "ok", or what failed, for the operator (never a password)


def database() -> Check:
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        log.warning("Readiness: the database does not answer: %s", exc)
        return Check("database", False, type(exc).__name__)
    return Check("database", True, "ok")


def redis_server() -> Check | None:
    url = settings.setting("REDIS_URL")
    if not url:
        return None
    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        log.warning("Readiness: Redis does not answer: %s", exc)
        return Check("redis", False, type(exc).__name__)
    finally:
        client.close()
    return Check("redis", True, "ok")


def readiness() -> list[Check]:
    """Every check that applies to this configuration."""
    return [check for check in (database(), redis_server()) if check is not None]
