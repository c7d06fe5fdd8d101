"""Pledge pages: the public register and each pledge's page (with its feed), and the staff
workspace — my pledges, the editor, recording actions, workflow buttons, history (`pages`),
the invitations to sign (`signing`), following a pledge by e-mail (`following`), and
actions' evidence files (`evidence`), and translations of a pledge's and its actions'
texts (`translations`). Each view loads the pledge, checks access through
`access` (the rules are `tracker.permissions`'), calls one operation and commits once.
Importing a module registers its views on `bp`."""

from . import evidence, following, pages, signing, translations
from .blueprint import bp

__all__ = ["bp", "evidence", "following", "pages", "signing", "translations"]
