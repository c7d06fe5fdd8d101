"""Pledge Tracker: pledges and roundtable recommendations, followed through in the open.

One folder per area people name — `accounts`, `taxonomy`, `pledges`, `roundtables`,
`public`, `api`, `data` — each with its domain (models, workflow, operations, queries)
beside its web side (routes, forms); `core` holds what every area shares, `permissions`
who may do what. See docs/architecture.md.
"""

from .app import create_app

__all__ = ["create_app"]
