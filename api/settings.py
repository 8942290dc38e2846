"""The service's one settings class, read from `NEETMAP_*` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from limits import parse_many
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.exc import ArgumentError

from models.engine import usable_url
from models.intake.caps import MAX_UPLOAD_BYTES


class Settings(BaseSettings):
    """Configuration by environment; defaults run the embedded SQLite service with no setup."""

    model_config = SettingsConfigDict(env_prefix="NEETMAP_", extra="ignore", env_file=None)

    database_url: str = Field(
        "sqlite:///./neetmap.db",
        description="SQLAlchemy URL: a SQLite file (default) or postgresql+psycopg://...",
    )
    log_level: Literal["critical", "error", "warning", "info", "debug"] = "info"
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["*"],
        description="Origins allowed to read the API from a browser, comma-separated.",
    )
    cors_write_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins whose browser apps may write (POST, PATCH, DELETE with a key), "
        "comma-separated; none by default.",
    )
    boundaries: Path | None = Field(None, description="LA boundary file or folder to load.")
    regions: Path | None = Field(None, description="English regions boundary file.")
    la_codes: Path | None = Field(None, description="DfE list of LA codes (dfe_las.csv).")
    context: Path | None = Field(None, description="Folder of DfE/MHCLG context indicator files.")
    cache_dir: Path = Field(Path(".neetmap-cache"), description="Where downloads are cached.")
    statement_timeout_ms: int = Field(15_000, ge=100, description="PostgreSQL statement timeout.")
    pool_size: int = Field(5, ge=1, le=100, description="Database connections per worker.")
    public_url: str | None = Field(
        None,
        description="The service's public base URL (https://host[/prefix]) that redirects "
        "name; without it they are relative. Never taken from a request's Host header.",
    )
    lock_timeout_ms: int = Field(
        2000, ge=1, description="PostgreSQL lock_timeout: longest wait for a lock (503 beyond)."
    )
    pool_timeout_s: float = Field(
        5.0, gt=0, description="Longest wait for a pooled database connection (503 beyond)."
    )
    idle_in_transaction_ms: int = Field(
        10_000,
        ge=100,
        description="PostgreSQL idle_in_transaction_session_timeout for the API's sessions.",
    )
    cache_max_age: int = Field(300, ge=0, description="Cache-Control max-age for public reads.")
    max_upload_bytes: int = Field(
        5_000_000,
        ge=1,
        le=MAX_UPLOAD_BYTES,
        description="Largest upload (request body) accepted, in bytes; at most 20 MB, the most "
        "any import reads.",
    )
    export_gpkg_max_records: int = Field(
        100_000,
        ge=1,
        description="Most records in one GeoPackage export, which is built whole on the server "
        "before it is sent (422 naming `format` beyond; CSV and GeoJSON stream any number).",
    )
    max_json_bytes: int = Field(
        1_000_000, ge=1, description="Largest request body accepted anywhere else, in bytes."
    )
    read_database_url: str | None = Field(
        None,
        description="Optional replica URL: public GETs (no API key) read from it, writes and "
        "keyed reads from NEETMAP_DATABASE_URL.",
    )
    access_log: bool = Field(True, description="One JSON line per request on stdout.")
    opentelemetry: bool = Field(
        False,
        description="FastAPI's own OpenTelemetry spans, metrics and logs, when a provider is "
        "configured (off: it looks the providers up on every request).",
    )
    rate_limits: bool = Field(True, description="Apply the rate limits below.")
    rate_limit_writes: str = Field(
        "120/minute", description="Writes per key and per client address (limits notation)."
    )
    rate_limit_reads: str = Field(
        "600/minute",
        description="Expensive reads (export, stats, coverage) per key and per client address.",
    )
    rate_limit_storage: str = Field(
        "memory://",
        description="Where counts are kept: memory:// (per worker) or redis://host:6379 "
        "(shared by every worker and host).",
    )

    @field_validator("database_url")
    @classmethod
    def _driver(cls, url: str) -> str:
        """Accept the URLs people paste (postgres://, postgresql://, postgresql+psycopg2://) and
        use the psycopg 3 driver. Other drivers are refused when an engine is made (one sentence
        from the command line), not here, so settings stay readable for `--help` and messages."""
        try:
            return usable_url(url)
        except ArgumentError:
            return url

    @field_validator("read_database_url")
    @classmethod
    def _read_driver(cls, url: str | None) -> str | None:
        """The same driver rewrite as the primary URL; blank means no replica."""
        if url is None or not url.strip():
            return None
        return cls._driver(url)

    @field_validator("rate_limit_writes", "rate_limit_reads")
    @classmethod
    def _rate(cls, value: str) -> str:
        """A rate in the `limits` notation ("120/minute", "10 per second"), checked at start."""
        try:
            parse_many(value)
        except ValueError:
            raise ValueError(
                f"'{value}' is not a rate: write e.g. 120/minute or 10/second"
            ) from None
        return value

    @field_validator("cors_origins", "cors_write_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    """Settings read once per process."""
    return Settings()
