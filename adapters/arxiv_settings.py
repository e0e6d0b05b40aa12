"""Where the arXiv source lives; every field maps to a ``PAPERBOY_ARXIV_*`` variable."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.sources.arxiv.source import DEFAULT_API_URL, DEFAULT_LISTING_URL, DEFAULT_RSS_URL


class ArxivSettings(BaseSettings):
    """arXiv endpoints (tests point them at a local fake)."""

    model_config = SettingsConfigDict(env_prefix="PAPERBOY_ARXIV_", extra="ignore")

    api_url: str = DEFAULT_API_URL
    rss_url: str = DEFAULT_RSS_URL
    listing_url: str = DEFAULT_LISTING_URL
