"""Pledges: pledges and the actions taken towards them — their workflow (draft → in progress
→ done), the operations staff use to write them and record actions, the public register and
feeds, and their pages (the register, each pledge's page and the staff workspace)."""

# A pledge's activity (its last action's date, when its page last changed) is kept on its row
# by a listener on every flush, whichever module writes: registered with the area.
# Its full-text index (an FTS5 table on SQLite, a GIN index on PostgreSQL) is made with the
# pledges' table: registered with the area.
# Which pledge's pages a change is confined to (kept renders of the others stay): registered
# with the area.
from . import (
    activity,  # noqa: F401
    page_scope,  # noqa: F401
    search,  # noqa: F401
)
