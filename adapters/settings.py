"""One settings object, read from the environment and validated before anything is opened."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.sources.hf.source import DEFAULT_HF_URL
from storage.database import DEFAULT_DATABASE_URL


class Settings(BaseSettings):
    """Paperboy's configuration; every field maps to a ``PAPERBOY_*`` variable."""

    model_config = SettingsConfigDict(env_prefix="PAPERBOY_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    hf_url: str = DEFAULT_HF_URL
    log_level: str = "WARNING"
    console_output: Path | None = None  # console digests appended to this file, not stdout
    scheduler_tick_seconds: float = Field(default=30.0, gt=0)
    claim_lease_seconds: float = Field(default=600.0, gt=0)
    fetch_interval_minutes: float = Field(default=60.0, ge=0)  # 0 = serve does not fetch
    source_timeout_seconds: float = Field(default=30.0, gt=0)
    source_retry_initial_seconds: float = Field(default=1.0, ge=0)
    index_dir: Path | None = None  # the search index; default: next to the SQLite file

    def search_index_dir(self) -> Path:
        """Where this replica keeps its search index: ``PAPERBOY_INDEX_DIR``, else
        ``paperboy-index`` next to the SQLite file (or in the working directory)."""
        if self.index_dir is not None:
            return self.index_dir
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url[len(prefix) :]).parent / "paperboy-index"
        return Path("paperboy-index")
