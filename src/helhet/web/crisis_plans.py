"""Pages: crisis plans: view, new version, share, one-page print."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from helhet.web.forms import csrf_guard

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)
