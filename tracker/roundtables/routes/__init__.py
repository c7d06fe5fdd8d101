"""The roundtables' pages: the list and public follow-through pages and the co-chairs'
editors (`pages`), recommendations (`recommendations`), the co-chairs' dashboard and report
(`follow_up`), review queue (`review`) and updates' evidence files (`evidence`). Importing a module registers its views on `bp`."""

from . import evidence, follow_up, pages, recommendations, review
from .blueprint import bp

__all__ = ["bp", "evidence", "follow_up", "pages", "recommendations", "review"]
