"""The shared core: what every area uses and no area owns.

The database and its extensions, the history, the data version and its board, dates,
text, ids, lists, the workflow base, the shared discipline of operations, and `access` —
the one way to ask whether someone may do something (the answers are `tracker.permissions`').
`tracker.core.web` holds the request-bound half: forms, errors, security headers,
templating, conditional requests and kept renders.

The core imports no area (an import-linter contract says so).
"""
