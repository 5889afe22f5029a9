"""`vocab-tui serve`: answers HTTP on loopback, quotes what each tab runs, warns off loopback, and
works in a real browser (headless Chromium; skipped only when Chromium is not installed)."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from vocab_tui.cli import build_cli
from vocab_tui.commands.serve import app_command, is_loopback

from .conftest import REPO


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(process: subprocess.Popen) -> None:
    """Stop the server and every app process it started (one process group)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def test_serve_answers_an_http_request_on_loopback(tmp_path):
    port = free_port()
    env = dict(os.environ, VOCAB_TUI_CONFIG=str(tmp_path / "none.toml"), VOCAB_TUI_LOG_DIR=str(tmp_path / "log"))
    server = subprocess.Popen([sys.executable, "-m", "vocab_tui", "serve", "--port", str(port),
                               "--db", str(tmp_path / "vocab.db"), "--lang", "en"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    status, page = answer.status, answer.read().decode("utf-8")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "serve did not answer within 60 s"
                time.sleep(0.2)
        assert status == 200
        assert "vocab-tui" in page and f"ws://127.0.0.1:{port}/ws" in page and "textual-terminal" in page
        # Loopback only: the port is not open on the machine's other addresses.
        with socket.socket() as other:
            other.settimeout(2)
            try:
                outside = socket.gethostbyname(socket.gethostname())
            except OSError:
                outside = "127.0.0.1"
            if not outside.startswith("127."):
                assert other.connect_ex((outside, port)) != 0
    finally:
        stop(server)
    assert "Serving vocab-tui on http://127.0.0.1:" in server.stdout.read().decode()


def test_each_tab_runs_the_app_on_the_same_database_decks_and_language_quoted_for_the_shell(tmp_path):
    db = tmp_path / "kantor $HOME; rm -rf x" / "vocab.db"
    decks = tmp_path / "dek `id`"
    command = app_command({"db": db, "deck_dirs": (decks,), "lang": "en"})
    assert shlex.split(command) == [sys.executable, "-m", "vocab_tui", "--db", str(db), "--decks", str(decks),
                                    "--lang", "en"]
    relative = app_command({"db": Path("rel.db"), "lang": "id"})
    assert shlex.split(relative)[4] == str(Path("rel.db").absolute())  # the tab may start elsewhere


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("127.8.9.1", True), ("localhost", True),
                                            ("::1", True), ("[::1]", True), ("0.0.0.0", False),
                                            ("192.168.1.20", False), ("::", False), ("kantor.local", False)])
def test_only_loopback_addresses_count_as_this_computer(host, loopback):
    assert is_loopback(host) is loopback


def test_serving_beyond_loopback_warns_about_tls_and_pins(tmp_path, monkeypatch):
    served = []

    class FakeServer:
        def __init__(self, command, host, port, title, public_url):
            self.public_url = public_url or f"http://{host}:{port}"
            served.append((command, host, port))

        def serve(self):
            pass

    monkeypatch.setattr("vocab_tui.commands.serve._QuietServer", FakeServer)
    result = CliRunner().invoke(build_cli(), ["serve", "--host", "0.0.0.0", "--port", "8123",
                                              "--db", str(tmp_path / "v.db")])
    assert result.exit_code == 0, result.output
    assert "Warning: listening on 0.0.0.0" in result.output and "TLS" in result.output and "PIN" in result.output
    assert served and served[0][1:] == ("0.0.0.0", 8123)
    quiet = CliRunner().invoke(build_cli(), ["serve", "--db", str(tmp_path / "v.db")])
    assert "Warning" not in quiet.output and served[1][1:] == ("127.0.0.1", 8000)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_profile_screen_appears_in_a_real_browser(lang, tmp_path):
    if shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed (apt-get install chromium): the browser check needs it")
    shot = tmp_path / "page.png"
    result = subprocess.run([sys.executable, str(REPO / "tools" / "check-serve-in-browser"), "--lang", lang,
                             "--screenshot", str(shot), "--timeout", "120"],
                            capture_output=True, text=True, timeout=400)
    assert result.returncode == 0, result.stderr
    assert shot.stat().st_size > 10_000 and shot.with_name("page-pin.png").exists()
