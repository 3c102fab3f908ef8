"""The app's start-up tunes the garbage collector for serving (``helhet.app.settle_heap``)."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from helhet.app import YOUNG_COLLECTION_THRESHOLD, create_app


def test_start_up_puts_the_start_up_heap_out_of_the_collectors_reach() -> None:
    with TestClient(create_app()) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == YOUNG_COLLECTION_THRESHOLD
