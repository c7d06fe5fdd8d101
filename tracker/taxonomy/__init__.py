"""Taxonomy: what pledges and roundtables are filed under — forums (conferences, processes,
programmes), themes and countries. Admins keep them on the admin pages (`tracker.accounts`)."""
