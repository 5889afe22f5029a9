"""Start vocab-tui exactly as the `vocab-tui` command does, and exit once its first screen is drawn.

    python bench/first_screen.py [vocab-tui options]

The whole-process time of this script is the time a member of staff waits for the profile list.
Only the exit is added: the app, its database and decks are the real ones.
"""

import gc

gc.disable()  # as the `vocab-tui` command's entry point does (`vocab_tui.__main__.run`)

import os  # noqa: E402  (after the line above, as in the entry point)
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from vocab_tui.ui import app as ui_app  # noqa: E402
from vocab_tui.ui.screens.profile import ProfileScreen  # noqa: E402


class FirstScreenApp(ui_app.VocabApp):
    """VocabApp that leaves right after the profile screen has been drawn once."""

    CSS_PATH = str(Path(ui_app.__file__).parent / str(ui_app.VocabApp.CSS_PATH))  # beside app.py, not here

    def on_ready(self) -> None:
        self._exit_when_shown()

    def _exit_when_shown(self) -> None:
        # Ready comes with the first frame of whichever screen is current; the profile screen is
        # pushed from on_mount and may come one frame later.
        if isinstance(self.screen, ProfileScreen):
            self.screen.call_after_refresh(self.exit)
        else:
            self.set_timer(0.002, self._exit_when_shown)


ui_app.VocabApp = FirstScreenApp  # cli._run_app looks the class up here when it starts the app


def report_peak() -> None:
    """Write this process's peak memory (VmHWM, KiB) where the benchmark asks for it.

    ru_maxrss seen by a parent would include the parent's own size (Linux carries it across exec).
    """
    target = os.environ.get("BENCH_PEAK_FILE")
    if target:
        status = Path("/proc/self/status").read_text()
        kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
        Path(target).write_text(kib)


if __name__ == "__main__":
    from vocab_tui.cli import main

    gc.freeze()  # as the entry point does once the command line is imported
    gc.enable()
    try:
        main(sys.argv[1:])
    finally:
        report_peak()
