"""The roundtables' pages: the list and public follow-through pages and the co-chairs'
editors (`pages`), recommendations (`recommendations`), the co-chairs' dashboard and report
(`follow_up`) and review queue (`review`). Importing a module registers its views on `bp`."""

from . import follow_up, pages, recommendations, review
from .blueprint import bp

__all__ = ["bp", "follow_up", "pages", "recommendations", "review"]
