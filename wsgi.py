"""Entry point for `flask --app wsgi ...` and `gunicorn wsgi:app`."""

from tracker import create_app

app = create_app()
