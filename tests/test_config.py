"""Configuration a deployer relies on."""

import pytest

from config import Config, ProductionConfig, config_from_environment, database_url
from tracker import create_app


@pytest.mark.parametrize("key", [None, "short"])
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, key):
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_starts_with_a_secret_key_and_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    app = create_app(ProductionConfig)
    assert app.config["SECRET_KEY"] == "x" * 64
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["DEMO_DATA_ALLOWED"] is False


def test_sqlite_under_instance_is_the_default():
    assert database_url(None).startswith("sqlite:///") and database_url(None).endswith("instance/tracker.db")


@pytest.mark.parametrize("url", ["postgres://u@h/db", "postgresql://u@h/db"])
def test_postgres_urls_get_the_psycopg_3_driver(url):
    assert database_url(url) == "postgresql+psycopg://u@h/db"


def test_tracker_env_picks_the_config(monkeypatch):
    monkeypatch.setenv("TRACKER_ENV", "production")
    assert config_from_environment() is ProductionConfig
    monkeypatch.delenv("TRACKER_ENV")
    assert config_from_environment() is Config
    monkeypatch.setenv("TRACKER_ENV", "staging")
    with pytest.raises(RuntimeError, match="TRACKER_ENV must be one of"):
        config_from_environment()
