"""A store folder with several missing columns: the atlas pages name every one, not only the first."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helhet.config import get_settings
from helhet.users.models import Role
from tests.analytics.store_builder import StoreBuilder
from tests.web.conftest import add_web_user, sign_in


def test_every_missing_column_is_named_on_the_pages(
    client: TestClient, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = StoreBuilder()
    b.referral(b.unit())
    folder = b.write(tmp_path / "store")
    pq.write_table(pq.read_table(folder / "referral.parquet").drop(["wished_level"]), folder / "referral.parquet")
    pq.write_table(pq.read_table(folder / "episode.parquet").drop(["started_on"]), folder / "episode.parquet")
    monkeypatch.setattr(get_settings(), "atlas_store", folder)
    add_web_user(session, "analytiker", Role.ANALYST)
    sign_in(client, "analytiker")
    for path, status in (("/atlas/wish_concordance", 503), ("/atlas", 200)):
        page = client.get(path)
        assert page.status_code == status
        assert "referral.parquet: the required column &#39;wished_level&#39; is missing" in page.text, path
        assert "episode.parquet: the required column &#39;started_on&#39; is missing" in page.text, path
