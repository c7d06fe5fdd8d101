"""Admin pages: organisations, users, forums and themes."""
