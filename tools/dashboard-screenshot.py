"""Save docs/images/dashboard.svg: the manager dashboard on a small made-up office (for the manager guide).

    python tools/dashboard-screenshot.py [--lang id|en]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from vocab_tui.clock import FixedClock, to_ms
from vocab_tui.decks import bundled_decks_dir
from vocab_tui.i18n import set_language
from vocab_tui.store import new_review_id
from vocab_tui.ui.app import VocabApp
from vocab_tui.ui.screens.home import HomeScreen
from vocab_tui.workspace import open_workspace

WITA = timezone(timedelta(hours=8), "WITA")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=WITA)
STAFF = [("Andi Pratama", "Diskominfo"), ("Siti Rahmawati", "Diskominfo"), ("Yohanes Lado", "Diskominfo"),
         ("Made Wirawan", "Bappeda"), ("Nur Aisyah", "Bappeda"), ("Rudi Hartono", "BKPSDM"),
         ("Maria Goreti", "BKPSDM"), ("Fajar Nugroho", "Dinas Kesehatan"), ("Dewi Lestari", "Dinas Kesehatan")]


def fill(store, rng: random.Random) -> int:
    pks = [row[0] for row in store.db.execute("SELECT pk FROM cards ORDER BY pk LIMIT 300")]
    manager = None
    with store.db.conn:
        for n, (name, unit) in enumerate(STAFF):
            learner = store.add_learner(name, unit).id
            manager = manager or learner
            keen = rng.uniform(0.3, 0.95)
            for day in range(45, -1, -1):
                if rng.random() > keen:
                    continue
                start = NOW - timedelta(days=day, hours=rng.uniform(0, 3))
                for i in range(rng.randint(10, 40)):
                    at = start + timedelta(seconds=12 * i)
                    mature = rng.random() < 0.4
                    store.db.execute(
                        "INSERT INTO reviews (id, learner_id, card_pk, rating, answered_at, duration_ms, mode, "
                        "state_before, state_after, interval_days, stability, difficulty, due) "
                        "VALUES (?, ?, ?, ?, ?, ?, 'recognition', ?, 2, ?, 20, 5, ?)",
                        [new_review_id(at, rng), learner, rng.choice(pks), rng.choice((1, 3, 3, 3, 3, 4)), to_ms(at),
                         rng.randint(4000, 15000), 2 if mature else rng.choice((0, 1, 2)), 25 if mature else 3,
                         to_ms(at + timedelta(days=5))])
        store.db.execute("UPDATE learners SET role = 'manager' WHERE id = ?", [manager])
    store.recount_daily_activity()  # the log was written directly above
    return manager


async def shoot(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(NOW, tz=WITA)
        ws = open_workspace(Path(tmp) / "office.db", [bundled_decks_dir()], clock)
        manager = fill(ws.store, random.Random(10))
        app = VocabApp(ws)
        async with app.run_test(size=(100, 32)) as pilot:
            app.learner = ws.store.learner(manager)
            app.switch_screen(HomeScreen())
            await pilot.pause()
            await pilot.press("m")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause(0.3)
            app.save_screenshot(filename=out.name, path=str(out.parent))
        ws.store.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="id")
    args = parser.parse_args()
    set_language(args.lang)
    out = Path(__file__).parent.parent / "docs" / "images" / f"dashboard.{args.lang}.svg"
    asyncio.run(shoot(out))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
