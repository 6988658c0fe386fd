"""`GET /api/events`: the lifecycle events of the token's scope (filled in by the logs
change)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["events"])
