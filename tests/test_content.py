"""The shipped curriculum: every deck valid, complete and consistent."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from vocab_tui.decks import LEVELS, PARTS_OF_SPEECH, bundled_decks_dir, check_deck, deck_files
from vocab_tui.modes import cloze

MINIMUM_CARDS = {
    "spbe": 180,
    "cybersecurity": 115,
    "digital-workplace": 175,
    "office-english": 175,
    "digital-leadership": 95,
    "false-friends": 90,
    "meetings-and-visitors": 145,
}
MINIMUM_TOTAL = 1000
INTENTIONAL_REPEAT = "cross-deck"  # tag on every copy of a term that two decks teach on purpose
NO_CLOZE = "no-cloze"  # tag on a card whose term cannot stand in its example; its notes say why
PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|lorem|xxx)\b|\.\.\.|…$", re.IGNORECASE)
REQUIRED = ("term", "translation", "definition", "example", "example_translation", "part_of_speech", "level")
TEXT_FIELDS = ("translation", "definition", "example", "example_translation", "notes")

# Every regulation the decks may cite, checked by hand against its published title. A citation
# outside this list is a typo or an unchecked fact: verify it, then add it here with its subject.
KNOWN_REGULATIONS = {
    ("UU", 11, 2008): "Informasi dan Transaksi Elektronik (UU ITE)",
    ("UU", 19, 2016): "Perubahan atas UU 11/2008 tentang ITE",
    ("UU", 1, 2024): "Perubahan Kedua atas UU 11/2008 tentang ITE",
    ("UU", 14, 2008): "Keterbukaan Informasi Publik",
    ("UU", 25, 2009): "Pelayanan Publik",
    ("UU", 12, 2011): "Pembentukan Peraturan Perundang-undangan",
    ("UU", 15, 2019): "Perubahan atas UU 12/2011",
    ("UU", 13, 2022): "Perubahan Kedua atas UU 12/2011",
    ("UU", 23, 2014): "Pemerintahan Daerah",
    ("UU", 30, 2014): "Administrasi Pemerintahan",
    ("UU", 5, 2014): "Aparatur Sipil Negara (dicabut oleh UU 20/2023)",
    ("UU", 20, 2023): "Aparatur Sipil Negara",
    ("UU", 27, 2022): "Pelindungan Data Pribadi",
    ("UU", 31, 1999): "Pemberantasan Tindak Pidana Korupsi",
    ("UU", 20, 2001): "Perubahan atas UU 31/1999 tentang Pemberantasan Tindak Pidana Korupsi",
    ("PP", 41, 2007): "Organisasi Perangkat Daerah (dicabut oleh PP 18/2016)",
    ("PP", 18, 2016): "Perangkat Daerah",
    ("PP", 60, 2008): "Sistem Pengendalian Intern Pemerintah",
    ("PP", 27, 2014): "Pengelolaan Barang Milik Negara/Daerah",
    ("PP", 28, 2020): "Perubahan atas PP 27/2014",
    ("PP", 11, 2017): "Manajemen Pegawai Negeri Sipil",
    ("PP", 17, 2020): "Perubahan atas PP 11/2017",
    ("PP", 12, 2019): "Pengelolaan Keuangan Daerah",
    ("PP", 71, 2019): "Penyelenggaraan Sistem dan Transaksi Elektronik",
    ("PP", 94, 2021): "Disiplin Pegawai Negeri Sipil",
    ("Perpres", 29, 2014): "Sistem Akuntabilitas Kinerja Instansi Pemerintah",
    ("Perpres", 16, 2018): "Pengadaan Barang/Jasa Pemerintah",
    ("Perpres", 12, 2021): "Perubahan atas Perpres 16/2018",
    ("Perpres", 95, 2018): "Sistem Pemerintahan Berbasis Elektronik",
    ("Perpres", 39, 2019): "Satu Data Indonesia",
    ("Perpres", 89, 2021): "Penyelenggaraan Mal Pelayanan Publik",
    ("Perpres", 82, 2022): "Pelindungan Infrastruktur Informasi Vital",
    ("Perpres", 132, 2022): "Arsitektur Sistem Pemerintahan Berbasis Elektronik Nasional",
    ("Perpres", 82, 2023): "Percepatan Transformasi Digital dan Keterpaduan Layanan Digital Nasional",
    ("Perpres", 47, 2023): "Strategi Keamanan Siber Nasional dan Manajemen Krisis Siber",
    ("Inpres", 3, 2003): "Kebijakan dan Strategi Nasional Pengembangan E-Government",
    ("PermenPAN-RB", 6, 2011): "Pedoman Umum Tata Naskah Dinas Elektronik di Lingkungan Instansi Pemerintah",
    ("PermenPAN-RB", 14, 2017): "Pedoman Penyusunan Survei Kepuasan Masyarakat Unit Penyelenggara Pelayanan Publik",
    ("PermenPAN-RB", 5, 2018): "Pedoman Evaluasi SPBE (diganti PermenPAN-RB 59/2020)",
    ("PermenPAN-RB", 19, 2018): "Penyusunan Peta Proses Bisnis Instansi Pemerintah",
    ("PermenPAN-RB", 59, 2020): "Pemantauan dan Evaluasi SPBE",
    ("Permenkominfo", 1, 2023): "Interoperabilitas Data dalam Penyelenggaraan SPBE dan Satu Data Indonesia",
    ("Peraturan BSSN", 10, 2020): "Tim Tanggap Insiden Siber",
}
KINDS = {
    "UU": "UU", "Undang-Undang": "UU", "Law": "UU",
    "PP": "PP", "Peraturan Pemerintah": "PP",
    "Perpres": "Perpres", "Peraturan Presiden": "Perpres",
    "Inpres": "Inpres",
    "PermenPAN-RB": "PermenPAN-RB",
    "Permenkominfo": "Permenkominfo",
    "Peraturan BSSN": "Peraturan BSSN",
}
TAG_KINDS = {"uu": "UU", "pp": "PP", "perpres": "Perpres", "inpres": "Inpres",
             "permenpanrb": "PermenPAN-RB", "permenkominfo": "Permenkominfo", "bssn": "Peraturan BSSN"}
_KIND = "|".join(re.escape(kind) for kind in sorted(KINDS, key=len, reverse=True))
# "UU 27/2022", "PP 71/2019", "Peraturan BSSN Nomor 10 Tahun 2020", "Law Number 27 of 2022"
CITATION = re.compile(
    rf"\b({_KIND})\s+(?:(\d{{1,3}})\s?/\s?(\d{{4}})\b|(?:Nomor|Number|No\.)\s*(\d{{1,3}})\s+(?:Tahun|of)\s+(\d{{4}})\b)"
)
# anything that looks like a regulation number, so that an unknown kind ("Permendagri 77/2020") is caught too
NUMBERED = re.compile(r"(?<![\d/.])\d{1,3}/(?:19|20)\d{2}(?![\d/])|\b(?:Nomor|Number)\s+\d{1,3}\s+(?:Tahun|of)\s+\d{4}\b")
REGULATION_TAG = re.compile(r"^([a-z]+)-(\d{1,3})-(\d{4})$")


def regulation_problems(text: str) -> list[str]:
    """The citations in text that are not in KNOWN_REGULATIONS, or not recognisable as a citation."""
    problems, covered = [], []
    for match in CITATION.finditer(text):
        kind = KINDS[match.group(1)]
        number, year = (match.group(2), match.group(3)) if match.group(2) else (match.group(4), match.group(5))
        covered.append(match.span())
        if (kind, int(number), int(year)) not in KNOWN_REGULATIONS:
            problems.append(f"{match.group(0)!r} is not a known regulation")
    for match in NUMBERED.finditer(text):
        if not any(start <= match.start() and match.end() <= end for start, end in covered):
            problems.append(f"{match.group(0)!r} is not a recognisable citation (kind and number/year)")
    return problems


def regulation_tag_problems(tags: tuple[str, ...]) -> list[str]:
    """Tags like perpres-95-2018 that name a regulation not in KNOWN_REGULATIONS."""
    problems = []
    for tag in tags:
        match = REGULATION_TAG.match(tag)
        if match is None:
            continue
        kind = TAG_KINDS.get(match.group(1))
        if kind is None or (kind, int(match.group(2)), int(match.group(3))) not in KNOWN_REGULATIONS:
            problems.append(f"tag {tag!r} names no known regulation")
    return problems


@pytest.fixture(scope="module")
def decks():
    loaded = {}
    for path in deck_files([bundled_decks_dir()]):
        deck, problems = check_deck(path)
        assert not problems, "\n".join(map(str, problems))
        loaded[deck.id] = deck
    return loaded


def test_the_seven_decks_are_shipped_with_enough_cards(decks):
    assert set(decks) == set(MINIMUM_CARDS)
    for deck_id, minimum in MINIMUM_CARDS.items():
        assert len(decks[deck_id].cards) >= minimum, deck_id
    assert sum(len(d.cards) for d in decks.values()) >= MINIMUM_TOTAL


def test_no_term_is_taught_twice_in_one_deck(decks):
    repeated = []
    for deck in decks.values():
        seen = set()
        for card in deck.cards:
            key = card.term.casefold()
            if key in seen:
                repeated.append(f"{deck.id}: {card.term!r}")
            seen.add(key)
    assert not repeated


def test_no_term_is_taught_twice_unless_tagged_intentional(decks):
    where = defaultdict(list)
    for deck in decks.values():
        for card in deck.cards:
            where[card.term.casefold()].append(card)
    repeated = {
        term: [c.deck_id for c in cards]
        for term, cards in where.items()
        if len(cards) > 1 and not all(INTENTIONAL_REPEAT in c.tags for c in cards)
    }
    assert not repeated


def test_every_card_is_complete_with_no_placeholder(decks):
    problems = []
    for deck in decks.values():
        for card in deck.cards:
            for field in REQUIRED:
                value = getattr(card, field)
                if not value or PLACEHOLDER.search(value):
                    problems.append(f"{deck.id}/{card.id}: {field} = {value!r}")
            if not card.tags:
                problems.append(f"{deck.id}/{card.id}: no tags")
            if card.level not in LEVELS or card.part_of_speech not in PARTS_OF_SPEECH:
                problems.append(f"{deck.id}/{card.id}: level {card.level}, part of speech {card.part_of_speech}")
            if card.term.casefold() in card.definition.casefold().split():
                problems.append(f"{deck.id}/{card.id}: the definition gives the term away")
    assert not problems, "\n".join(problems)


def test_every_example_uses_its_term_or_the_card_says_why_not(decks):
    problems = []
    for deck in decks.values():
        for card in deck.cards:
            blank = cloze(card)
            if blank is None and not (NO_CLOZE in card.tags and card.notes):
                problems.append(f"{deck.id}/{card.id}: {card.term!r} not in {card.example!r}")
            if blank is not None and NO_CLOZE in card.tags:
                problems.append(f"{deck.id}/{card.id}: tagged {NO_CLOZE!r} but its example has the term")
    assert not problems, "\n".join(problems)


def test_every_cited_regulation_is_a_known_one(decks):
    problems = []
    for deck in decks.values():
        for card in deck.cards:
            for field in TEXT_FIELDS:
                problems += [f"{deck.id}/{card.id} {field}: {p}" for p in regulation_problems(getattr(card, field) or "")]
            problems += [f"{deck.id}/{card.id}: {p}" for p in regulation_tag_problems(card.tags)]
        problems += [f"{deck.id} description: {p}" for p in regulation_problems(deck.description or "")]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Diatur dalam Perpres 95/2018 dan PP 71/2019.", 0),
        ("Peraturan BSSN Nomor 10 Tahun 2020; Law Number 27 of 2022; PermenPAN-RB 59/2020.", 0),
        ("UU 11/2008 sebagaimana telah diubah dengan UU 19/2016 dan UU 1/2024.", 0),
        ("Perpres 82/2024 tentang hal lain.", 1),  # a known kind with a wrong year
        ("UU 27 / 2022", 0),
        ("Permendagri 77/2020 mengatur hal itu.", 1),  # a kind not in the list
        ("Peraturan Wali Kota Nomor 5 Tahun 2021", 1),  # a local rule the list cannot vouch for
        ("Lahir 05/11/1988, layanan 24/7.", 0),  # dates and hours are not citations
    ],
)
def test_regulation_check_finds_unknown_citations(text, found):
    assert len(regulation_problems(text)) == found, regulation_problems(text)


def test_regulation_tags_are_checked():
    assert regulation_tag_problems(("spbe", "perpres-95-2018", "uu-27-2022")) == []
    assert len(regulation_tag_problems(("perpres-95-2019", "permendagri-77-2020"))) == 2


def test_acronyms_say_what_they_stand_for(decks):
    bare = [
        f"{deck.id}/{card.id}"
        for deck in decks.values()
        for card in deck.cards
        if re.fullmatch(r"[A-Z]{2,6}", card.term) and not card.acronym_of
    ]
    assert not bare


def test_official_spelling_of_pelindungan_data_pribadi(decks):
    wrong = [
        f"{deck.id}/{card.id}"
        for deck in decks.values()
        for card in deck.cards
        if "perlindungan data pribadi" in card.translation.lower()
    ]
    assert not wrong


def test_the_readme_deck_table_matches_the_decks(decks):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| .+ \(`([a-z0-9-]+)`\) \| ([\d,]+) \|$", readme, flags=re.MULTILINE))
    assert {deck_id: int(count.replace(",", "")) for deck_id, count in rows.items()} == {
        deck_id: len(deck.cards) for deck_id, deck in decks.items()
    }
    total = re.search(r"^\| all \w+ decks \| ([\d,]+) \|$", readme, flags=re.MULTILINE)
    assert total is not None and int(total.group(1).replace(",", "")) == sum(len(d.cards) for d in decks.values())


SHORT_TERM_WORDS = 2  # single words and short terms carry IPA; longer phrases and sentences need not
INDONESIAN_NAMES = {"BSSN", "BSrE", "SRIKANDI", "SPBE", "INA"}  # said the Indonesian way; no English IPA


def test_every_single_word_and_short_term_has_its_pronunciation(decks):
    missing = [
        f"{deck.id}/{card.id}"
        for deck in decks.values()
        for card in deck.cards
        if len(card.term.split()) <= SHORT_TERM_WORDS
        and not INDONESIAN_NAMES.intersection(card.term.split())
        and not card.ipa
    ]
    assert not missing, "\n".join(missing)
    bad = [
        f"{deck.id}/{card.id}: {card.ipa!r}"
        for deck in decks.values()
        for card in deck.cards
        if card.ipa and not re.fullmatch(r"/[^/\s][^/]*/", card.ipa)
    ]
    assert not bad, "\n".join(bad)
