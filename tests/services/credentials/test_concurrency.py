from __future__ import annotations

import os
import subprocess
import sys
import time

from sqlmodel import select

from mercato_int.scope import TenantScope
from mercato_int.store.tables import IntegrationCredentials, IntegrationEvent

WRITER = """
import os, sys, time
from pathlib import Path
from mercato_int.scope import TenantScope
from mercato_int.services import Services
from mercato_int.settings import Settings

who, field, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
svc = Services(Settings.load())
svc.registry  # discovery before the start line, so both start writing together
scope = TenantScope("default", "race")
while not go.exists():
    time.sleep(0.001)
for i in range(25):
    svc.credentials.save("race", {"token": "tk", field: f"{field}{i}"}, scope, actor=who)
svc.close()
print("done")
"""


PROVIDER = """
integration = {
    "id": "race",
    "title": "Race",
    "category": "testing",
    "credentials": {"fields": [
        {"key": "token", "label": "Token", "type": "secret", "required": True},
        {"key": "a", "label": "A", "type": "text"},
        {"key": "b", "label": "B", "type": "text"},
    ]},
}
"""


def test_two_processes_saving_at_once_make_one_row_and_lose_no_field(
    providers_dir, services, db_url, tmp_path
) -> None:
    """Both start with no row and no key; each sets its own field 25 times. One row, one key,
    every save recorded, and each process's last value survives the other's merges."""
    providers_dir({"race": PROVIDER})
    go = tmp_path / "go"
    env = {**os.environ, "MERCATO_INT_DATABASE_URL": db_url}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, who, field, str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who, field in (("alice", "a"), ("bob", "b"))
    ]
    time.sleep(0.5)  # not a timing assertion: only lets both processes reach the start line
    go.touch()
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert out.strip() == "done"
    with services.store.session() as s:
        rows = s.exec(select(IntegrationCredentials)).all()
        saves = s.exec(select(IntegrationEvent)).all()
    assert len(rows) == 1
    assert len(saves) == 50  # every save changed something: none was lost or merged away
    creds = services.credentials.resolve("race", TenantScope("default", "race"))
    assert dict(creds) == {"token": "tk", "a": "a24", "b": "b24"}
    assert len(services.master_keys.available()) == 1
