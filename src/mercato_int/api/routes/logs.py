"""`GET /api/logs`, `GET|POST /api/integrations/{id}/logs`: operation logs (filled in by the
logs change)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["logs"])
