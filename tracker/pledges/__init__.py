"""Pledges: pledges and the actions taken towards them — their workflow (draft → in progress
→ done), the operations staff use to write them and record actions, the public register and
feeds, and their pages (the register, each pledge's page and the staff workspace)."""
