"""A request for the metrics: who may read them is `permissions`' question ("read_metrics").

The metrics say how busy the site is and where it is slow — not for the public. An admin
may read them, and so may a scraper (Prometheus) that presents the token the operator set
as METRICS_TOKEN (`Authorization: Bearer <token>`). Without METRICS_TOKEN only admins can.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scrape:
    presented_token: str | None
    expected_token: str | None
