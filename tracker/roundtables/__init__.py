"""Roundtables: roundtables and their agreed outcomes, the recommendations co-chairs follow
through (owners, due dates, progress updates, review), the follow-through figures, and their
pages — public follow-through, the co-chairs' editors, dashboard, review queue and report,
and the owners' work."""
