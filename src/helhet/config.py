"""Settings, read once from ``HELHET_*`` environment variables (and an optional ``.env`` file)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEMO_SECRET = "helhet-demo-secret-not-for-production"


def default_data_dir() -> Path:
    return Path.cwd() / "data"


class Settings(BaseSettings):
    """All configuration of a Helhet installation. Thresholds are policy, not code: change them here."""

    model_config = SettingsConfigDict(env_prefix="HELHET_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""  # empty: an embedded SQLite file in data_dir
    secret_key: str = DEMO_SECRET
    demo_mode: bool = False
    locale: Literal["nb", "en"] = "nb"
    log_level: str = "INFO"
    atlas_store: Path | None = None  # empty: <data_dir>/atlas, where `helhet atlas build` writes by default

    # Access control
    emergency_access_hours: int = 12
    relation_grace_days: int = 90  # a closed referral or episode keeps access this long (follow-up, letters)
    token_days: int = 90

    # Web sign-in
    session_idle_minutes: int = 30
    max_failed_logins: int = 5
    lockout_minutes: int = 15

    # Deadlines and gap thresholds (working days unless stated)
    assessment_working_days: int = 10
    deadline_at_risk_days: int = 10
    task_escalation_working_days: int = 3
    handover_acceptance_working_days: int = 2
    outreach_working_days: int = 2
    followup_after_discharge_days: int = 7
    vedtak_shortfall_threshold: float = 0.2
    mapping_within_days: int = 30
    remapping_months: int = 12
    somatic_check_months: int = 12
    ip_review_months: int = 6
    cooperation_months: int = 6

    @model_validator(mode="after")
    def _refuse_demo_secret_outside_demo(self) -> Settings:
        if (
            not self.demo_mode
            and self.secret_key == DEMO_SECRET
            and self.resolved_database_url.startswith("postgresql")
        ):
            raise ValueError(
                "HELHET_SECRET_KEY must be set to a secret of your own when running on PostgreSQL "
                "outside demo mode (HELHET_DEMO_MODE=false)"
            )
        return self

    @property
    def resolved_atlas_store(self) -> Path:
        return self.atlas_store or self.data_dir / "atlas"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'helhet.db'}"


@cache
def get_settings() -> Settings:
    return Settings()
