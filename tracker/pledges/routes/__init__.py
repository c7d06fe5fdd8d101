"""Pledge pages: the public register and each pledge's page (with its feed), and the staff
workspace — my pledges, the editor, recording actions, workflow buttons, history (`pages`)
and the invitations to sign (`signing`). Each view loads the pledge, checks access through
`access` (the rules are `tracker.permissions`'), calls one operation and commits once.
Importing a module registers its views on `bp`."""

from . import pages, signing
from .blueprint import bp

__all__ = ["bp", "pages", "signing"]
