"""Learner records: profiles with NIP and role, `learners import/rename/edit/merge/remove/list`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fsrs import Rating

from vocab_tui.cli import build_cli
from vocab_tui.clock import FixedClock
from vocab_tui.models import CardFlags
from vocab_tui.store import DuplicateLearner, DuplicateNip, Store, StoreError
from vocab_tui.study import StudySession

from .conftest import FIXTURES, NO_FUZZ

SITI_NIP = "198504122010012003"
BUDI_NIP = "197903052005011002"


def invoke(args: list[str], **kwargs) -> Result:
    return CliRunner().invoke(build_cli(), args, **kwargs)


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def refused(result: Result) -> Result:
    assert result.exit_code == 1, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    return result


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def profiles(db: Path) -> list[tuple]:
    return rows(db, "SELECT name, unit, nip, role FROM learners ORDER BY id")


def write_csv(path: Path, text: str, bom: bool = True) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def study(store: Store, clock: FixedClock, learner_id: int, answers: int, again_every: int = 0) -> None:
    """`answers` answers in recognition mode, one every 7 seconds (Again every `again_every`th)."""
    session = StudySession(store, store.learner(learner_id), ["mini"], clock, NO_FUZZ, mode="recognition")
    for n in range(1, answers + 1):
        assert session.next_card() is not None
        clock.advance(seconds=7)
        session.answer(Rating.Again if again_every and n % again_every == 0 else Rating.Good)


# -- the store -----------------------------------------------------------------------------------


def test_add_learner_with_nip_and_role_and_refusals(store: Store) -> None:
    siti = store.add_learner("Siti Rahma", "Diskominfo", nip="19850412 201001 2 003", role="manager")
    assert (siti.nip, siti.role, siti.has_pin) == (SITI_NIP, "manager", False)
    with pytest.raises(DuplicateNip, match=r"NIP ending 2003 is already used by Siti Rahma \(Diskominfo\)"):
        store.add_learner("Siti R.", "Bappeda", nip=SITI_NIP)
    with pytest.raises(DuplicateLearner):
        store.add_learner("siti  rahma", "DISKOMINFO")
    with pytest.raises(StoreError, match="which is not a month"):
        store.add_learner("Budi", "Dinkes", nip="198504122010132003")
    with pytest.raises(StoreError, match="Unknown role"):
        store.add_learner("Budi", "Dinkes", role="boss")
    assert [x.name for x in store.learners()] == ["Siti Rahma"]


def test_update_learner_changes_only_what_is_given(store: Store) -> None:
    siti = store.add_learner("Siti Rahma", "Diskominfo", nip=SITI_NIP)
    budi = store.add_learner("Budi", "Dinkes")
    assert store.update_learner(siti.id, unit="Bappeda").nip == SITI_NIP
    assert store.update_learner(siti.id, nip=None).nip is None
    with pytest.raises(DuplicateLearner):
        store.update_learner(budi.id, name="SITI RAHMA", unit="bappeda")
    store.update_learner(budi.id, nip=SITI_NIP)
    with pytest.raises(DuplicateNip):
        store.update_learner(siti.id, nip=SITI_NIP)
    with pytest.raises(StoreError, match="No learner with id 99"):
        store.update_learner(99, name="X")


# -- import ----------------------------------------------------------------------------------------


def test_import_with_semicolons_and_a_bom_creates_profiles(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    staff = write_csv(tmp_path / "staff.csv",
                      "Nama;Unit Kerja;NIP;Peran\r\n"
                      "Siti Rahma;Diskominfo;19850412 201001 2 003;pegawai\r\n"
                      "Budi Santoso;Bappeda;;Pelatih\r\n"
                      "Ani;Dinkes;;manajer\r\n")
    result = ok(invoke(["learners", "import", str(staff), "--db", str(db)]))
    assert "3 profiles created, 0 updated, 0 unchanged, 0 errors" in result.output
    assert "Ani (Dinkes), id 3 is a manager: they will be asked to set a PIN" in result.output
    assert profiles(db) == [("Siti Rahma", "Diskominfo", SITI_NIP, "learner"),
                            ("Budi Santoso", "Bappeda", None, "trainer"), ("Ani", "Dinkes", None, "manager")]
    again = ok(invoke(["learners", "import", str(staff), "--db", str(db)]))
    assert "0 profiles created, 0 updated, 3 unchanged" in again.output


def test_import_updates_by_nip_then_by_name_and_unit(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    ok(invoke(["learners", "add", "Siti Rahma", "--unit", "Diskominfo", "--nip", SITI_NIP, "--db", str(db)]))
    ok(invoke(["learners", "add", "Budi Santoso", "--unit", "Bappeda", "--db", str(db)]))
    staff = write_csv(tmp_path / "staff.csv",
                      "name,unit,nip,role\n"
                      f"Siti Rahmawati,Dinas Kominfo,{SITI_NIP},manager\n"  # by NIP: new name and unit
                      f"budi  santoso,BAPPEDA,{BUDI_NIP},\n"  # by name and unit: takes the NIP, keeps the role
                      "Budi Santoso,Dinkes,,\n", bom=False)  # same name, another unit: another person
    result = ok(invoke(["learners", "import", str(staff), "--db", str(db)]))
    assert "1 profile created, 2 updated, 0 unchanged" in result.output
    assert profiles(db) == [("Siti Rahmawati", "Dinas Kominfo", SITI_NIP, "manager"),
                            ("budi santoso", "BAPPEDA", BUDI_NIP, "learner"), ("Budi Santoso", "Dinkes", None, "learner")]


def test_a_row_with_another_nip_than_the_namesake_profile_is_another_person(store: Store) -> None:
    from vocab_tui.staff_list import StaffRecord

    siti = store.add_learner("Siti Rahma", "Diskominfo", nip=SITI_NIP)
    outcomes = store.import_learners([StaffRecord(2, "Siti Rahma", "Diskominfo", BUDI_NIP, None)])
    assert outcomes[0].action == "created" and outcomes[0].learner_id != siti.id
    assert sorted(x.nip for x in store.learners()) == [BUDI_NIP, SITI_NIP]


def test_a_formula_looking_name_is_stored_literally(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    staff = write_csv(tmp_path / "staff.csv",
                      'nama;opd\n"=HYPERLINK(""http://x"",""y"")";Diskominfo\n+62 Agus;Bappeda\n-Ani;Dinkes\n@Budi;Dinkes\n')
    ok(invoke(["learners", "import", str(staff), "--db", str(db)]))
    assert [p[0] for p in profiles(db)] == ['=HYPERLINK("http://x","y")', "+62 Agus", "-Ani", "@Budi"]


def test_bad_nips_fail_every_row_and_nothing_is_written(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    ok(invoke(["learners", "add", "Lama", "--db", str(db)]))
    staff = write_csv(tmp_path / "staff.csv",
                      "nama;unit;nip\n"
                      "Siti Rahma;Diskominfo;19850412 201001 2 003\n"  # good, but not imported: all or nothing
                      "Dua;Dinkes;198502302010012003\n"
                      "Tiga;Dinkes;198504122010132003\n"
                      "Empat;Dinkes;198504122027012003\n"
                      "Lima;Dinkes;198504122003042003\n"
                      "Enam;Dinkes;198504122010013003\n"
                      "Tujuh;Dinkes;198504122010012000\n"
                      "Delapan;Dinkes;1985041220100120\n"
                      f"Sembilan;Dinkes;{SITI_NIP}\n")
    result = refused(invoke(["learners", "import", str(staff), "--db", str(db)]))
    out = result.output
    assert f"{staff}, row 3, column C (nip): digits 1-8 give birth date 1985-02-30, which is not a date" in out
    assert "row 4, column C (nip): digits 9-14 give appointment month 2010-13, which is not a month" in out
    assert "row 5, column C (nip): digits 9-14 give appointment month 2027-01, which is in the future" in out
    assert "row 6, column C (nip): born 1985-04-12 and appointed 2003-04 means appointed at 17" in out
    assert "row 7, column C (nip): digit 15 is 3" in out
    assert "row 8, column C (nip): digits 16-18 are 000" in out
    assert "row 9, column C (nip): the NIP has 16 digits; a NIP has 18" in out
    assert "row 10, column C (nip): the same NIP as row 2" in out
    assert "Nothing was imported: 8 problems above" in out
    assert profiles(db) == [("Lama", "", None, "learner")]


def test_row_problems_name_row_and_column(tmp_path: Path) -> None:
    staff = write_csv(tmp_path / "staff.csv",
                      "name\tunit\trole\n"
                      "\tDinkes\tpegawai\n"
                      "Agus\x1b[2J\tDinkes\t\n"
                      "Ani\tDinkes\tboss\n"
                      "Ani\tDinkes\t\n"
                      "Ani\tdinkes\t\n"
                      "#N/A\tDinkes\t\n")
    out = refused(invoke(["learners", "import", str(staff), "--db", str(tmp_path / "v.db")])).output
    assert "row 2, column A (name): the name is empty" in out
    assert "row 3, column A (name): a control character (U+001B) at position 5" in out
    assert "\x1b" not in out
    assert "row 4, column C (role): unknown role “boss”; write one of: learner, pegawai" in out
    assert "row 6: the same name and unit as row 5" in out
    assert "row 7, column A (name): the cell holds Excel's error value #N/A" in out
    assert not (tmp_path / "v.db").exists() or profiles(tmp_path / "v.db") == []


def test_an_unknown_column_is_named_with_the_known_headers(tmp_path: Path) -> None:
    staff = write_csv(tmp_path / "staff.csv", "Nama;Unit Kerja;N I P\nSiti;Diskominfo;1\n")
    out = refused(invoke(["learners", "import", str(staff), "--db", str(tmp_path / "v.db")])).output
    assert "unknown column “N I P”" in out
    assert "the columns may be: nama, nama lengkap, nama pegawai, full name, name, unit kerja, opd" in out
    assert "Rename the column, or delete it from the file" in out


def test_at_most_fifty_problems_are_listed(tmp_path: Path) -> None:
    staff = write_csv(tmp_path / "staff.csv", "nama;nip\n" + "".join(f"P{i};123\n" for i in range(60)))
    out = refused(invoke(["learners", "import", str(staff), "--db", str(tmp_path / "v.db")])).output
    assert out.count("the NIP has 3 digits") == 50
    assert "… and 10 more problems" in out and "Nothing was imported: 60 problems above" in out


def test_xlsx_with_indonesian_headers_and_a_nip_kept_as_a_number(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Pegawai"
    sheet.append(["No", "Nama Lengkap", "OPD", "NIP Baru", "Peran"][1:])
    sheet.append(["Siti Rahma", "Diskominfo", SITI_NIP, "Pimpinan"])
    sheet.append(["Budi Santoso", "Bappeda", None, "peserta"])
    path = tmp_path / "pegawai.xlsx"
    book.save(path)
    db = tmp_path / "v.db"
    result = ok(invoke(["learners", "import", str(path), "--sheet", "Pegawai", "--db", str(db)]))
    assert "2 profiles created" in result.output
    assert profiles(db) == [("Siti Rahma", "Diskominfo", SITI_NIP, "manager"), ("Budi Santoso", "Bappeda", None, "learner")]

    sheet.append(["Ani", "Dinkes", int(BUDI_NIP), ""])  # typed into a General cell: Excel keeps a number
    book.save(path)
    out = refused(invoke(["learners", "import", str(path), "--db", str(db)])).output
    assert "row 4, column C (NIP Baru): Excel kept this NIP as a number" in out
    assert "format the column as Text" in out
    assert len(profiles(db)) == 2


def test_dry_run_tells_what_would_change_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    ok(invoke(["learners", "add", "Siti Rahma", "--unit", "Diskominfo", "--db", str(db)]))
    staff = write_csv(tmp_path / "staff.csv", f"nama;unit;nip\nSiti Rahma;Diskominfo;{SITI_NIP}\nBudi;Bappeda;\n")
    result = ok(invoke(["learners", "import", str(staff), "--dry-run", "--db", str(db)]))
    assert "Dry run, nothing was written: 1 profile created, 1 updated, 0 unchanged" in result.output
    assert profiles(db) == [("Siti Rahma", "Diskominfo", None, "learner")]


def test_a_file_in_another_encoding_is_refused_with_how_to_save_it(tmp_path: Path) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_bytes("nama;unit\nJosé;Dinkes\n".encode("cp1252"))
    out = refused(invoke(["learners", "import", str(staff), "--db", str(tmp_path / "v.db")])).output
    assert "not UTF-8" in out and "CSV UTF-8" in out


# -- rename, edit, list ---------------------------------------------------------------------------


def test_rename_and_edit(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    ok(invoke(["learners", "add", "Siti Rahma", "--unit", "Diskominfo", "--db", str(db)]))
    ok(invoke(["learners", "add", "Budi", "--unit", "Bappeda", "--db", str(db)]))
    assert "Saved: Siti Rahmawati (Diskominfo), id 1" in ok(invoke(["learners", "rename", "1", "Siti Rahmawati",
                                                                    "--db", str(db)])).output
    edited = ok(invoke(["learners", "edit", "1", "--unit", "Bappeda", "--nip", "19850412 201001 2 003",
                        "--role", "manajer", "--db", str(db)]))
    assert "Saved: Siti Rahmawati (Bappeda), id 1 · NIP **************2003 · manager" in edited.output
    assert "is a manager: they will be asked to set a PIN the next time they start vocab-tui" in edited.output
    assert profiles(db)[0] == ("Siti Rahmawati", "Bappeda", SITI_NIP, "manager")
    ok(invoke(["learners", "edit", "1", "--nip", "", "--role", "pelatih", "--db", str(db)]))
    assert profiles(db)[0] == ("Siti Rahmawati", "Bappeda", None, "trainer")

    clash = refused(invoke(["learners", "rename", "2", "siti rahmawati", "--db", str(db)]))
    assert "There is already a profile for Siti Rahmawati (Bappeda) (id 1)" in clash.output
    assert "vocab-tui learners merge 1 ID" in clash.output
    bad_nip = refused(invoke(["learners", "edit", "2", "--nip", "198504122010132003", "--db", str(db)]))
    assert "which is not a month" in bad_nip.output
    assert refused(invoke(["learners", "edit", "7", "--name", "X", "--db", str(db)])).output.count("No learner with id 7")
    usage = invoke(["learners", "edit", "2", "--db", str(db)])
    assert usage.exit_code == 2 and "Nothing to change" in usage.output
    bad_role = invoke(["learners", "edit", "2", "--role", "boss", "--db", str(db)])
    assert bad_role.exit_code == 2 and "“boss” is not a role" in bad_role.output
    assert profiles(db)[1] == ("Budi", "Bappeda", None, "learner")


def test_list_masks_nips_unless_asked(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    ok(invoke(["learners", "add", "Siti Rahma", "--unit", "Diskominfo", "--nip", SITI_NIP, "--role", "trainer",
               "--db", str(db)]))
    masked = ok(invoke(["learners", "list", "--db", str(db)])).output
    assert "**************2003" in masked and SITI_NIP not in masked and "trainer" in masked
    assert SITI_NIP in ok(invoke(["learners", "list", "--show-nip", "--db", str(db)])).output
    indonesian = ok(invoke(["--lang", "id", "learners", "list", "--db", str(db)])).output
    assert "PERAN" in indonesian and "pelatih" in indonesian


# -- merge and remove -----------------------------------------------------------------------------


def test_merge_moves_the_history_of_b_into_a(store: Store, clock: FixedClock) -> None:
    a = store.add_learner("Siti Rahma", "Diskominfo")
    b = store.add_learner("Siti R.", "Dinas Kominfo", nip=SITI_NIP)
    study(store, clock, a.id, 4)  # cards 1-4 of the mini deck
    clock.advance(hours=1)
    study(store, clock, b.id, 6, again_every=3)  # cards 1-6: the first four are shared, studied later by B
    pk = store.new_cards(a.id, "mini", 1)[0]
    store.set_suspended(b.id, pk, True)
    a_states = {r["card_pk"]: r for r in store.db.query("SELECT * FROM card_states WHERE learner_id = ?", [a.id])}
    b_states = {r["card_pk"]: r for r in store.db.query("SELECT * FROM card_states WHERE learner_id = ?", [b.id])}
    a_reviews, b_reviews = len(store.reviews(a.id)), len(store.reviews(b.id))
    shared = set(a_states) & set(b_states)
    assert len(shared) >= 1

    merged = store.merge_learners(a.id, b.id)

    assert merged.reviews == b_reviews and merged.shared_cards == len(shared)
    assert len(store.reviews(a.id)) == a_reviews + b_reviews
    assert store.reviews(b.id) == [] and [x.id for x in store.learners()] == [a.id]
    assert merged.kept.name == "Siti Rahma" and merged.kept.nip == SITI_NIP  # A's profile, B's NIP
    states = {r["card_pk"]: r for r in store.db.query("SELECT * FROM card_states WHERE learner_id = ?", [a.id])}
    assert set(states) == set(a_states) | set(b_states)
    for card in shared:  # B studied later: B's progress, both counts added
        assert states[card]["last_review"] == b_states[card]["last_review"]
        assert states[card]["due"] == b_states[card]["due"]
        assert states[card]["reps"] == a_states[card]["reps"] + b_states[card]["reps"]
        assert states[card]["lapses"] == a_states[card]["lapses"] + b_states[card]["lapses"]
    assert store.is_suspended(a.id, pk)
    assert store.db.execute("SELECT count(*) FROM card_states WHERE learner_id = ?", [b.id]).fetchone()[0] == 0


def test_merge_keeps_the_later_state_whichever_profile_has_it(store: Store, clock: FixedClock) -> None:
    a = store.add_learner("A", "")
    b = store.add_learner("B", "")
    study(store, clock, b.id, 1)
    clock.advance(hours=2)
    study(store, clock, a.id, 1)
    pk = store.reviews(a.id)[0]["card_pk"]
    kept = store.card_state(a.id, pk)
    store.bury(b.id, pk, clock.now())
    store.bury(a.id, pk, clock.now().replace(year=2030))
    store.merge_learners(a.id, b.id)
    assert store.card_state(a.id, pk) == kept
    assert store.card_flags(a.id, pk) == CardFlags(False, clock.now().replace(year=2030))


def test_merge_refusals(store: Store) -> None:
    a = store.add_learner("A", "", nip=SITI_NIP)
    b = store.add_learner("B", "", nip=BUDI_NIP)
    with pytest.raises(StoreError, match="cannot be merged into itself"):
        store.merge_learners(a.id, a.id)
    with pytest.raises(StoreError, match="different NIPs, so they are two people"):
        store.merge_learners(a.id, b.id)
    with pytest.raises(StoreError, match="No learner with id 42"):
        store.merge_learners(a.id, 42)
    assert len(store.learners()) == 2


def test_merge_command_asks_first(tmp_path: Path, clock: FixedClock) -> None:
    db = tmp_path / "v.db"
    from vocab_tui.workspace import open_workspace

    workspace = open_workspace(db, [FIXTURES], clock)
    store = workspace.store
    a, b = store.add_learner("Siti Rahma", "Diskominfo"), store.add_learner("Siti", "Diskominfo")
    study(store, clock, b.id, 3)
    store.close()
    declined = refused(invoke(["learners", "merge", str(a.id), str(b.id), "--db", str(db)], input="n\n"))
    assert "Merge into it and delete: Siti (Diskominfo), id 2, with 3 answers" in declined.output
    assert len(profiles(db)) == 2
    result = ok(invoke(["learners", "merge", str(a.id), str(b.id), "--db", str(db)], input="y\n"))
    assert "Merged: Siti Rahma (Diskominfo), id 1 now holds 3 more answers and 3 more studied cards" in result.output
    assert rows(db, "SELECT learner_id, count(*) FROM reviews GROUP BY learner_id") == [(a.id, 3)]
    same = refused(invoke(["learners", "merge", "1", "1", "--yes", "--db", str(db)]))
    assert "cannot be merged into itself" in same.output


def test_remove_erases_the_person_and_leaves_no_trace_in_the_file(tmp_path: Path, clock: FixedClock) -> None:
    from vocab_tui.workspace import open_workspace

    db = tmp_path / "v.db"
    workspace = open_workspace(db, [FIXTURES], clock)
    store = workspace.store
    zub = store.add_learner("Zubaidah Kartasasmita", "Dinas Perpustakaan Xyzzy", nip=SITI_NIP)
    other = store.add_learner("Budi Santoso", "Bappeda")
    study(store, clock, zub.id, 5)
    study(store, clock, other.id, 2)
    store.update_learner(zub.id, name="Zulaikha Kartasasmita")  # the old name must not linger either
    pk = store.reviews(zub.id)[0]["card_pk"]
    store.set_suspended(zub.id, pk, True)
    store.close()

    declined = refused(invoke(["learners", "remove", str(zub.id), "--db", str(db)], input="n\n"))
    assert "This erases Zulaikha Kartasasmita (Dinas Perpustakaan Xyzzy), id 1 and their 5 answers" in declined.output
    assert len(profiles(db)) == 2

    result = ok(invoke(["learners", "remove", str(zub.id), "--db", str(db)], input="y\n"))
    assert "Erased Zulaikha Kartasasmita (Dinas Perpustakaan Xyzzy), id 1: 5 answers" in result.output
    assert "Warning" not in result.output
    for table in ("reviews", "card_states", "card_flags"):
        assert rows(db, f"SELECT count(*) FROM {table} WHERE learner_id = ?", (zub.id,)) == [(0,)]
    assert rows(db, "SELECT count(*) FROM reviews WHERE learner_id = ?", (other.id,)) == [(2,)]
    assert profiles(db) == [("Budi Santoso", "Bappeda", None, "learner")]
    files = [db, Path(f"{db}-wal")]
    data = b"".join(f.read_bytes() for f in files if f.exists())
    for secret in (b"Zubaidah", b"Zulaikha", b"Kartasasmita", b"Xyzzy", SITI_NIP.encode()):
        assert secret not in data, secret
    assert b"Budi Santoso" in data  # the search would find a name that is there
    assert "No learner with id 1" in refused(invoke(["learners", "remove", "1", "--yes", "--db", str(db)])).output
