"""What one open session costs the server: memory and CPU, over SSH (a terminal) and in a browser tab.

    python bench/measure_sessions.py                       # 10 terminal sessions, then 10 browser tabs
    python bench/measure_sessions.py --sessions 20 --idle 30 --answering 60 --pace 4
    python bench/measure_sessions.py --only terminal       # no Chromium needed

Terminal (what each SSH user runs): K real `vocab-tui` processes, each in its own pseudo-terminal
(100×30) with its own learner profile, one database file. Browser: a textual-serve server started
as `vocab-tui serve` will start it (`Server("vocab-tui --db ...")`), and headless Chromium (Debian's
`chromium`) opening K tabs on it over loopback; textual-serve starts one app process per tab.

Both are driven by keys only, blindly and the same way (the profile's name and Enter, Enter on
"All decks", then Space, 3, Enter in turn, one answer every `--pace` seconds each: this answers
choice, self-graded and typed cards alike); the answers are counted in the database afterwards.
Measured from /proc: PSS and RSS of every app process (PSS shares the pages common to all of them
fairly: the sum of PSS is what K sessions really take), the textual-serve process's growth per
tab, and CPU time (user + system) of the app processes and the server while the sessions sit idle
on a card, then while they answer. Nothing leaves the machine: every address is 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import kill_test  # noqa: E402  (the real app in a pseudo-terminal)

TICK = os.sysconf("SC_CLK_TCK")
CYCLE = [" ", "3", "\r"]  # reveal / choose 3 / next: one answer per cycle whatever the card's mode


def memory_kb(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of a process in kB; (0, 0) once it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    fields = {line.split(":")[0]: int(line.split()[1]) for line in text.splitlines()[1:] if line.split()[1:2]}
    return fields.get("Pss", 0), fields.get("Rss", 0)


def cpu_seconds(pid: int) -> float:
    try:
        parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(parts[11]) + int(parts[12])) / TICK  # utime, stime


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            out.append(child)
            todo.append(child)
    return out


def prepare(db: Path, learners: int) -> list[str]:
    from vocab_tui.clock import SystemClock
    from vocab_tui.decks import bundled_decks_dir
    from vocab_tui.models import LearnerSettings
    from vocab_tui.workspace import open_workspace

    workspace = open_workspace(db, [bundled_decks_dir()], SystemClock())
    names = []
    try:
        for n in range(learners):
            learner = workspace.store.add_learner(f"Sesi {n:02d}", "Diskominfo")
            workspace.store.update_settings(learner.id, LearnerSettings(new_per_day=500, reviews_per_day=500))
            names.append(learner.name)
    finally:
        workspace.store.close()
    return names


def count_reviews(db: Path) -> int:
    conn = kill_test.integrity.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    finally:
        conn.close()


def summarise(label: str, pids: list[int], sessions: int, extra: dict) -> dict:
    """Memory per session: the PSS (and RSS) of all its processes, averaged over `sessions`."""
    mem = [memory_kb(pid) for pid in pids]
    return {"setup": label, "sessions": sessions, "processes": len(pids),
            "pss_mb_each": round(sum(m[0] for m in mem) / sessions / 1024, 1),
            "rss_mb_each": round(sum(m[1] for m in mem) / sessions / 1024, 1),
            "pss_mb_total": round(sum(m[0] for m in mem) / 1024, 1), **extra}


def timed_cpu(pids: list[int], seconds: float, act=None) -> float:
    """CPU seconds the processes used during `seconds` (calling `act()` every 50 ms meanwhile)."""
    before = sum(cpu_seconds(pid) for pid in pids)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if act is not None:
            act()
        time.sleep(0.05)
    return sum(cpu_seconds(pid) for pid in pids) - before


def wait_quiet(pids: list[int], limit: float = 180.0) -> None:
    """Wait until the processes have started and drawn: under 5 % of a core each over one second."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if timed_cpu(pids, 1.0) < 0.05 * len(pids):
            return


class BlindDriver:
    """Sends each session its keys on a timer: name + Enter, Enter, then Space/3/Enter every pace/3 s."""

    def __init__(self, send_fns: list, names: list[str], pace: float) -> None:
        self.sends = send_fns
        self.names = names
        self.pace = pace
        self.next_at = [0.0] * len(send_fns)
        self.step = [0] * len(send_fns)

    def open_profiles(self) -> None:
        for send, name in zip(self.sends, self.names, strict=True):
            send(name + "\r")
        time.sleep(1.5)
        for send in self.sends:
            send("\r")  # open the highlighted profile
        time.sleep(2.5)
        for send in self.sends:
            send("\r")  # study all decks
        time.sleep(2.5)

    def act(self) -> None:
        now = time.monotonic()
        for n, send in enumerate(self.sends):
            if now >= self.next_at[n]:
                send(CYCLE[self.step[n] % len(CYCLE)])
                self.step[n] += 1
                self.next_at[n] = now + self.pace / len(CYCLE) * (0.5 + (hash((n, self.step[n])) % 100) / 100)


def terminal_sessions(folder: Path, k: int, idle: float, answering: float, pace: float) -> dict:
    db = folder / "terminal.db"
    names = prepare(db, k)
    env = {key: v for key, v in os.environ.items() if not key.startswith("VOCAB_TUI_")}
    env.update(TERM="xterm-256color", VOCAB_TUI_LOG_DIR=str(folder / "log"), XDG_CONFIG_HOME=str(folder / "config"),
               XDG_DATA_HOME=str(folder / "data"))
    apps = []
    for _ in range(k):
        apps.append(kill_test.App(db, env))
    fds = {app.fd: app for app in apps}

    def drain() -> None:  # a terminal reads what the app draws, or the app would block writing
        while True:
            ready, _, _ = select.select(list(fds), [], [], 0)
            if not ready:
                return
            for fd in ready:
                try:
                    os.read(fd, 65536)
                except OSError:
                    fds.pop(fd, None)

    try:
        timed_cpu([a.pid for a in apps], 3, drain)  # start-up
        end = time.monotonic() + 180
        while time.monotonic() < end and timed_cpu([a.pid for a in apps], 1.0, drain) >= 0.05 * k:
            pass
        driver = BlindDriver([app.send for app in apps], names, pace)
        for step in (driver.open_profiles,):
            step()
            drain()
        pids = [app.pid for app in apps]
        idle_cpu = timed_cpu(pids, idle, drain)
        reviews_before = count_reviews(db)
        busy_cpu = timed_cpu(pids, answering, lambda: (driver.act(), drain()))
        answers = count_reviews(db) - reviews_before
        return summarise("terminal (SSH): one vocab-tui process per session", pids, k, {
            "idle_cpu_percent_each": round(100 * idle_cpu / idle / k, 2),
            "answering_cpu_percent_each": round(100 * busy_cpu / answering / k, 2),
            "answers": answers, "cpu_ms_per_answer": round(1000 * busy_cpu / answers, 1) if answers else None,
        })
    finally:
        for app in apps:
            app.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def cdp_keys(ws_url: str, keys: str) -> None:
    """Type `keys` into a Chromium tab through the DevTools protocol (Enter as a key press)."""
    import aiohttp

    async with aiohttp.ClientSession() as session, session.ws_connect(ws_url, max_msg_size=0) as ws:
        n = 0  # the tab in front, and the page's terminal (its text area) with the focus
        for method, params in (("Page.bringToFront", {}),
                               ("Runtime.evaluate", {"expression": "document.querySelector('textarea')?.focus()"})):
            n += 1
            await ws.send_json({"id": n, "method": method, "params": params})
            while (await ws.receive_json()).get("id") != n:
                pass
        for key in keys:
            if key == "\r":
                events = [{"type": "rawKeyDown", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13},
                          {"type": "char", "text": "\r", "key": "Enter"},
                          {"type": "keyUp", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}]
            else:
                events = [{"type": "keyDown", "text": key, "key": key}, {"type": "keyUp", "key": key}]
            for params in events:
                n += 1
                await ws.send_json({"id": n, "method": "Input.dispatchKeyEvent", "params": params})
                while True:
                    reply = await ws.receive_json()
                    if reply.get("id") == n:
                        break


def browser_sessions(folder: Path, k: int, idle: float, answering: float, pace: float) -> dict:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium), or use --only terminal")
    db = folder / "browser.db"
    names = prepare(db, k)
    port, debug_port = free_port(), free_port()
    command = f"{kill_test.vocab_tui_command()} --db {db} --lang en"
    env = {key: v for key, v in os.environ.items() if not key.startswith("VOCAB_TUI_")}
    env.update(VOCAB_TUI_LOG_DIR=str(folder / "log"), XDG_CONFIG_HOME=str(folder / "config"),
               XDG_DATA_HOME=str(folder / "data"))
    server = subprocess.Popen(
        [sys.executable, "-c", "import sys; from textual_serve.server import Server; "
         "Server(sys.argv[1], host='127.0.0.1', port=int(sys.argv[2])).serve()", command, str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    browser = None
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        server_before = memory_kb(server.pid)
        browser = subprocess.Popen(
            # Each learner has their own browser with the tab in front: no background-tab throttling here.
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
             "--disable-backgrounding-occluded-windows",
             f"--remote-debugging-port={debug_port}", "--remote-debugging-address=127.0.0.1",
             f"--user-data-dir={folder / 'chromium'}", "--window-size=1100,800", url],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        devtools = f"http://127.0.0.1:{debug_port}/json"
        for _ in range(100):
            try:
                urllib.request.urlopen(devtools + "/version", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(k - 1):
            request = urllib.request.Request(f"{devtools}/new?{url}", method="PUT")
            urllib.request.urlopen(request, timeout=10).read()
        deadline = time.monotonic() + 120
        while len(descendants(server.pid)) < k and time.monotonic() < deadline:
            time.sleep(0.5)
        wait_quiet(descendants(server.pid))  # the apps start and draw their first screen
        tabs = [t for t in json.loads(urllib.request.urlopen(devtools, timeout=5).read()) if t["type"] == "page"]

        def sender(ws_url: str):
            return lambda keys: asyncio.run(cdp_keys(ws_url, keys))

        driver = BlindDriver([sender(t["webSocketDebuggerUrl"]) for t in tabs], names, pace)
        driver.open_profiles()
        apps = [pid for pid in descendants(server.pid)]
        server_after = memory_kb(server.pid)
        everything = [server.pid, *apps]
        idle_cpu_apps = timed_cpu(apps, idle)
        server_cpu_0 = cpu_seconds(server.pid)
        reviews_before = count_reviews(db)
        busy_cpu = timed_cpu(everything, answering, driver.act)
        server_busy = cpu_seconds(server.pid) - server_cpu_0
        answers = count_reviews(db) - reviews_before
        # textual-serve starts each tab's app through /bin/sh -c: two processes a tab.
        return summarise("browser: textual-serve, one app process per tab", apps, len(tabs), {
            "server_pss_mb_before_tabs": round(server_before[0] / 1024, 1),
            "server_pss_mb_with_tabs": round(server_after[0] / 1024, 1),
            "server_growth_mb_per_tab": round((server_after[0] - server_before[0]) / 1024 / max(1, len(tabs)), 2),
            "idle_cpu_percent_each": round(100 * idle_cpu_apps / idle / max(1, len(tabs)), 2),
            "answering_cpu_percent_each": round(100 * busy_cpu / answering / max(1, len(tabs)), 2),
            "server_share_of_answering_cpu": round(server_busy / busy_cpu, 2) if busy_cpu else None,
            "answers": answers, "cpu_ms_per_answer": round(1000 * busy_cpu / answers, 1) if answers else None,
        })
    finally:
        for proc in (browser, server):
            if proc is not None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--idle", type=float, default=20.0, help="seconds sitting on a card (20)")
    parser.add_argument("--answering", type=float, default=40.0, help="seconds answering (40)")
    parser.add_argument("--pace", type=float, default=4.0, help="seconds between one session's answers (4)")
    parser.add_argument("--only", choices=["terminal", "browser"])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results = []
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="vocab-sessions-") as tmp:
        for kind, measure in (("terminal", terminal_sessions), ("browser", browser_sessions)):
            if args.only and args.only != kind:
                continue
            result = measure(Path(tmp), args.sessions, args.idle, args.answering, args.pace)
            results.append(result)
            print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
