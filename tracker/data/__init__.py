"""Data: the tracker's data in and out — the open-data CSV files (exported, and imported with
every row checked first), backup and restore of the whole database, the demo data built from
the seed documents, and the `flask data` and `flask demo` commands."""
