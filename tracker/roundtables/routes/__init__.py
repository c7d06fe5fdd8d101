"""The roundtables' pages: the list and public follow-through pages and the co-chairs'
editors (`pages`), recommendations (`recommendations`), and the co-chairs' dashboard, review
queue and report (`follow_up`). Importing a module registers its views on `bp`."""

from . import follow_up, pages, recommendations
from .blueprint import bp

__all__ = ["bp", "follow_up", "pages", "recommendations"]
