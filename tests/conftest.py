from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from vocab_tui.clock import FixedClock
from vocab_tui.i18n import set_language
from vocab_tui.scheduling import SchedulerSettings
from vocab_tui.store import Store
from vocab_tui.workspace import Workspace, open_workspace

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
# A Monday, 09:00 in Jakarta (UTC+7): a normal working morning.
START = datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc)
NO_FUZZ = SchedulerSettings(enable_fuzzing=False)


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def clock() -> FixedClock:
    from datetime import timedelta
    from datetime import timezone as tz

    return FixedClock(START, tz=tz(timedelta(hours=7), "WIB"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "vocab.db"


@pytest.fixture
def workspace(db_path: Path, clock: FixedClock) -> Workspace:
    """The mini deck only (not the bundled decks), in a fresh database file."""
    ws = open_workspace(db_path, [FIXTURES], clock)
    yield ws
    ws.store.close()


@pytest.fixture
def store(workspace: Workspace) -> Store:
    return workspace.store
