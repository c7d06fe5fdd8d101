"""Accounts: organisations, users and their roles, log-in and passwords, and the admin pages
(the back office, which also keeps the forums and themes of `tracker.taxonomy`)."""
