"""The smallest Textual app (one Label): the yardstick for vocab-tui's first screen.

It exits as soon as its first screen has been drawn, the same way bench/first_screen.py makes
vocab-tui exit, so that the two whole-process times compare like with like.
"""

import os
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Label


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("Selamat datang")

    def on_ready(self) -> None:
        self.call_after_refresh(self.exit)


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
    Minimal().run()
    report_peak()
