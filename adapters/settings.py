"""One settings object, read from the environment and validated before anything is opened.

:class:`Settings` holds the ``PAPERBOY_*`` variables and composes each platform's and source's
own settings (``settings.slack``, ``settings.discord``, ``settings.arxiv``), so every command
— ``serve``, ``doctor``, ``digest --post`` — reads one object built in one place. Those parts
import no platform SDK: ``paperboy doctor`` works where Slack or Discord is not installed.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import AliasChoices, BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from adapters.arxiv_settings import ArxivSettings
from adapters.discord.settings import DiscordSettings
from adapters.logging_setup import LOG_LEVELS, LogFormat
from adapters.slack.settings import SlackSettings
from bot.errors import UserError
from bot.sources.hf.source import DEFAULT_HF_URL
from storage.database import DEFAULT_DATABASE_URL

ADMIN_TOKEN_MIN_CHARS = 16
CONFIGURATION_HELP = "Every variable is explained in .env.example."


class Settings(BaseSettings):
    """Paperboy's configuration; every field maps to a ``PAPERBOY_*`` variable, and the
    platform parts to their own variables (``SLACK_*``, ``DISCORD_BOT_TOKEN``, …)."""

    model_config = SettingsConfigDict(env_prefix="PAPERBOY_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    hf_url: str = DEFAULT_HF_URL
    log_level: str = "WARNING"
    log_format: LogFormat = "text"  # json: one JSON event per line (serve's --log-format)
    console_output: Path | None = None  # console digests appended to this file, not stdout
    scheduler_tick_seconds: float = Field(default=30.0, gt=0)
    claim_lease_seconds: float = Field(default=600.0, gt=0)
    fetch_interval_minutes: float = Field(default=60.0, ge=0)  # 0 = serve does not fetch
    source_timeout_seconds: float = Field(default=30.0, gt=0)
    source_retry_initial_seconds: float = Field(default=1.0, ge=0)
    index_dir: Path | None = None  # the search index; default: next to the SQLite file
    semantic: bool = True  # search by meaning too, when the embedding model loads
    embed_threads: int = Field(default=0, ge=0)  # the model's CPU threads; 0 = all cores
    public_url: str | None = None  # where --http is reached from outside: feed links use it

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        """An ``http(s)://host[/path]`` URL without the trailing slash; blank means unset."""
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        scheme, sep, rest = value.partition("://")
        if scheme not in ("http", "https") or not sep or not rest or " " in rest:
            raise ValueError("must be an http(s):// URL, e.g. https://paperboy.example.com")
        return value

    # The operator page /ui/ on the --http listener is off unless this is set; 16+ characters
    # so it cannot be guessed (`openssl rand -hex 32`). SecretStr keeps it out of reprs/logs.
    admin_token: SecretStr | None = None

    @field_validator("admin_token")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        """An empty token means off; a short one is refused (it could be guessed)."""
        if value is None or not value.get_secret_value().strip():
            return None
        if len(value.get_secret_value().strip()) < ADMIN_TOKEN_MIN_CHARS:
            raise ValueError(
                f"must be at least {ADMIN_TOKEN_MIN_CHARS} characters (e.g. openssl rand -hex 32)"
            )
        return SecretStr(value.get_secret_value().strip())

    # Each part reads its own variables (SLACK_*, DISCORD_BOT_TOKEN, PAPERBOY_DISCORD_*, …);
    # read_settings() reads them all up front, so a wrong value is reported at start-up.
    @cached_property
    def slack(self) -> SlackSettings:
        """Slack's credentials and endpoints."""
        return SlackSettings()

    @cached_property
    def discord(self) -> DiscordSettings:
        """Discord's token, endpoints, shards and pacing."""
        return DiscordSettings()

    @cached_property
    def arxiv(self) -> ArxivSettings:
        """arXiv's endpoints."""
        return ArxivSettings()

    def search_index_dir(self) -> Path:
        """Where this replica keeps its search index: ``PAPERBOY_INDEX_DIR``, else
        ``paperboy-index`` next to the SQLite file (or in the working directory)."""
        if self.index_dir is not None:
            return self.index_dir
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url[len(prefix) :]).parent / "paperboy-index"
        return Path("paperboy-index")

    def configured_platforms(self) -> list[str]:
        """The chat platforms whose credentials are set (what bare ``paperboy serve`` runs
        and where ``paperboy digest --post`` can post), or the console when none are."""
        chosen = [name for name in ("slack", "discord") if self.platform_enabled(name)]
        return chosen or ["console"]

    def platform_enabled(self, name: str) -> bool:
        """Whether ``name``'s credentials are set (the console needs none)."""
        if name == "slack":
            return self.slack.enabled
        if name == "discord":
            return self.discord.enabled
        return name == "console"


_PARTS: tuple[type[BaseSettings], ...] = (Settings, SlackSettings, DiscordSettings, ArxivSettings)


def variable_name(model: type[BaseModel], field: str) -> str:
    """The environment variable behind ``model.field`` (its alias, else prefix + NAME)."""
    info = model.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, str):
        return alias
    if isinstance(alias, AliasChoices) and isinstance(alias.choices[0], str):
        return alias.choices[0]
    prefix = str(model.model_config.get("env_prefix", ""))
    return f"{prefix}{field}".upper()


def describe_invalid(exc: ValidationError) -> str:
    """``VARIABLE: problem; …`` for every invalid value — the variable, never its value."""
    model = next((part for part in _PARTS if part.__name__ == exc.title), Settings)
    problems = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["loc"]:
            message = f"{variable_name(model, str(error['loc'][0]))}: {message}"
        problems.append(message)
    return "; ".join(problems)


def read_settings() -> tuple[Settings | None, str | None]:
    """The settings from the environment and what is wrong with them: ``(None, problem)``
    when they cannot be read, ``(settings, problem)`` when they can but a value is unusable.
    A problem names every wrong variable, never its value."""
    try:
        settings = Settings()
        (settings.slack, settings.discord, settings.arxiv)  # noqa: B018  # validate every part
    except ValidationError as exc:
        return None, f"The configuration is invalid: {describe_invalid(exc)}."
    if settings.log_level.strip().upper() not in LOG_LEVELS:
        levels = ", ".join(LOG_LEVELS)
        return settings, f"The configuration is invalid: PAPERBOY_LOG_LEVEL is not one of {levels}."
    return settings, None


def load_settings() -> Settings:
    """The settings every command starts from; a :class:`UserError` naming every wrong
    variable (and where they are explained) when a value is invalid."""
    settings, problem = read_settings()
    if problem is not None or settings is None:
        raise UserError(f"{problem or 'The configuration is invalid.'} {CONFIGURATION_HELP}")
    return settings
