"""The study day follows the office's real time zone, daylight saving included."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from vocab_tui.clock import FixedClock, SystemClock, local_timezone
from vocab_tui.config import load_config
from vocab_tui.progress import home_counts, study_date
from vocab_tui.scheduling import SchedulerSettings, day_end, day_start
from vocab_tui.study import StudySession

from .conftest import NO_FUZZ

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_the_tz_variable_names_a_zone_with_its_summer_time(tmp_path):
    tz = local_timezone(environ={"TZ": "Europe/Berlin"}, etc=tmp_path)
    # 04:30 on 1 July in Berlin is 02:30 UTC; a fixed winter offset (+1) would put it at 03:30,
    # before the day starts, and so on 30 June.
    review = utc("2026-07-01 02:30")
    assert study_date(review, tz, 4) == date(2026, 7, 1)
    assert day_start(review, tz) == utc("2026-07-01 02:00")
    assert study_date(review, timezone(timedelta(hours=1)), 4) == date(2026, 6, 30)


def test_the_system_zone_is_read_from_etc_localtime(tmp_path):
    (tmp_path / "localtime").symlink_to("/usr/share/zoneinfo/Asia/Makassar")
    assert local_timezone(environ={}, etc=tmp_path) == ZoneInfo("Asia/Makassar")
    (tmp_path / "localtime").unlink()
    (tmp_path / "timezone").write_text("Asia/Jayapura\n", encoding="utf-8")
    assert local_timezone(environ={}, etc=tmp_path) == ZoneInfo("Asia/Jayapura")


def test_the_timezone_setting_wins_over_the_system(tmp_path):
    assert local_timezone("Asia/Jakarta", environ={"TZ": "Europe/Berlin"}, etc=tmp_path) == ZoneInfo("Asia/Jakarta")
    assert local_timezone("Mars/Olympus", environ={"TZ": "Europe/Berlin"}, etc=tmp_path) == BERLIN


@pytest.mark.parametrize(
    ("moment", "start", "end"),
    [  # 29 March 2026: clocks go forward at 02:00; 25 October: back at 03:00
        ("2026-03-28 12:00", "2026-03-28 03:00", "2026-03-29 02:00"),  # a day of 23 hours
        ("2026-03-29 12:00", "2026-03-29 02:00", "2026-03-30 02:00"),
        ("2026-10-24 12:00", "2026-10-24 02:00", "2026-10-25 03:00"),  # a day of 25 hours
        ("2026-10-25 12:00", "2026-10-25 03:00", "2026-10-26 03:00"),
    ],
)
def test_the_day_starts_at_four_across_daylight_saving_changes(moment, start, end):
    assert day_start(utc(moment), BERLIN) == utc(start)
    assert day_end(utc(moment), BERLIN) == utc(end)
    for boundary in (utc(start), utc(end)):
        assert boundary.astimezone(BERLIN).hour == 4


def test_wib_wita_and_wit_offices_each_start_their_day_at_their_own_four(tmp_path):
    moment = utc("2026-11-02 06:00")
    starts = {name: day_start(moment, local_timezone(name, environ={}, etc=tmp_path))
              for name in ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")}
    assert starts == {"Asia/Jakarta": utc("2026-11-01 21:00"), "Asia/Makassar": utc("2026-11-01 20:00"),
                      "Asia/Jayapura": utc("2026-11-01 19:00")}


def test_the_timezone_setting_is_checked_against_the_zone_names(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('timezone = "Asia/Makassar"\n', encoding="utf-8")
    assert load_config(path).timezone == "Asia/Makassar"
    path.write_text('timezone = "WITA"\n', encoding="utf-8")
    config = load_config(path)
    assert config.timezone is None
    assert len(config.warnings) == 1
    assert "'timezone' must be a time zone name like Asia/Jakarta" in config.warnings[0]
    assert "'WITA'" in config.warnings[0]


def test_the_command_line_clock_follows_the_timezone_setting(tmp_path):
    from vocab_tui.cli import command_clock as _clock
    from vocab_tui.config import Config

    clock = _clock({"config": Config(timezone="Asia/Jayapura")})
    assert isinstance(clock, SystemClock) and clock.tz == ZoneInfo("Asia/Jayapura")


def test_a_summer_morning_review_counts_for_that_day_in_berlin(workspace):
    store = workspace.store
    learner = store.add_learner("Siti")
    clock = FixedClock(utc("2026-07-01 02:30"), tz=BERLIN)  # 04:30 in Berlin
    session = StudySession(store, learner, ["mini"], clock, NO_FUZZ, mode="recognition")
    session.next_card()
    from fsrs import Rating

    session.answer(Rating.Good)
    clock.current = utc("2026-07-01 08:00")
    assert home_counts(store, learner, ["mini"], clock, SchedulerSettings()).today.reviewed == 1
    clock.current = utc("2026-07-02 01:59")  # 03:59 the next morning: still 1 July's study day
    assert home_counts(store, learner, ["mini"], clock, SchedulerSettings()).today.reviewed == 1
    clock.current = utc("2026-07-02 02:00")
    assert home_counts(store, learner, ["mini"], clock, SchedulerSettings()).today.reviewed == 0


@pytest.mark.parametrize("name", ["Asia", "localtime", "Factory", "posixrules", "right/UTC", "", "  "])
def test_a_folder_the_machines_own_setting_or_a_leap_second_zone_is_no_office_zone(tmp_path, name):
    from vocab_tui.clock import zone

    assert zone(name) is None
    path = tmp_path / "config.toml"
    path.write_text(f'timezone = "{name}"\n', encoding="utf-8")
    config = load_config(path)  # a setting that names one is warned about, never a crash
    assert config.timezone is None and len(config.warnings) == 1


def test_a_posix_zone_name_is_the_zone_it_names():
    from vocab_tui.clock import zone

    assert zone("posix/Asia/Makassar") == ZoneInfo("Asia/Makassar")


def test_settings_warnings_are_told_in_the_language_chosen_after_the_file_was_read(tmp_path):
    from vocab_tui.i18n import set_language

    path = tmp_path / "config.toml"
    path.write_text('timezone = "Mars/X"\nlanguage = "id"\n', encoding="utf-8")
    set_language("en")
    config = load_config(path)  # read before its language is set, as the command line does
    set_language(config.language)
    try:
        shown = "Warning: {message}".format(message=config.warnings[0])
        assert "harus berupa nama zona waktu" in shown and "'Mars/X'" in shown
        assert "harus berupa nama zona waktu" in str(config.warnings[0])
    finally:
        set_language("en")
