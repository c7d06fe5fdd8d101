"""Notifications: what the tracker tells people outside it, by e-mail, through an outbox."""
