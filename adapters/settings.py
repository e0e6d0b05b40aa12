"""One settings object, read from the environment and validated before anything is opened."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.hf_source import DEFAULT_HF_URL
from storage.database import DEFAULT_DATABASE_URL


class Settings(BaseSettings):
    """Paperboy's configuration; every field maps to a ``PAPERBOY_*`` variable."""

    model_config = SettingsConfigDict(env_prefix="PAPERBOY_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    hf_url: str = DEFAULT_HF_URL
    log_level: str = "WARNING"
