from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card as FSRSCard
from fsrs import Rating, State

from vocab_tui.decks import Card
from vocab_tui.modes import (
    BLANK,
    Mode,
    Segment,
    allows_article,
    char_diff,
    check_typed,
    choose_options,
    cloze,
    mode_for,
    normalise,
)

NOW = datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc)


def card(term: str, example: str = "", *, pos: str | None = None, deck: str = "office",
         translation: str | None = None, card_id: str | None = None) -> Card:
    return Card(
        deck_id=deck,
        id=card_id or term.lower().replace(" ", "-"),
        term=term,
        translation=translation or f"arti {term}",
        definition=f"What {term} means.",
        example=example or f"We talk about {term} at work.",
        position=0,
        part_of_speech=pos,
    )


def rebuild(segments, kinds: tuple[str, ...]) -> str:
    return "".join(s.text for s in segments if s.kind in kinds)


# -- typed answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["browser", "Browser", "BROWSER", "  browser  ", "browser.", "browser!", "Browser?!", "\tbrowser\n"],
)
def test_case_spacing_and_final_punctuation_do_not_matter(typed):
    result = check_typed(typed, ["browser"])
    assert result.verdict == "correct"
    assert result.correct
    assert result.rating == Rating.Good
    assert result.expected == "browser"


def test_repeated_spaces_inside_an_answer_count_as_one():
    assert check_typed("log   in", ["log in"]).verdict == "correct"
    assert check_typed("  two-factor \t authentication ", ["two-factor authentication"]).correct


@pytest.mark.parametrize("typed", ["the browser", "a browser", "an browser", "The  Browser", "THE browser."])
def test_a_leading_article_is_accepted_when_articles_may_be_dropped(typed):
    assert check_typed(typed, ["browser"], drop_article=True).verdict == "correct"


@pytest.mark.parametrize("typed", ["the browser", "a browser"])
def test_a_leading_article_is_wrong_when_articles_may_not_be_dropped(typed):
    result = check_typed(typed, ["browser"], drop_article=False)
    assert result.verdict == "wrong"
    assert result.rating == Rating.Again


def test_an_article_alone_is_not_an_answer():
    assert check_typed("the", ["browser"], drop_article=True).verdict == "wrong"


def test_an_article_inside_a_word_is_not_dropped():
    # "theme" starts with the letters of "the" but has no article to drop.
    assert check_typed("theme", ["theme"], drop_article=True).correct
    assert check_typed("atheme", ["theme"], drop_article=True).verdict != "correct"


@pytest.mark.parametrize(
    ("pos", "term", "allowed"),
    [
        (None, "browser", True),
        ("noun", "deadline", True),
        ("verb", "download", True),
        ("phrasal verb", "log in", True),
        ("adjective", "secure", True),
        ("noun", "the cloud", False),  # the article is part of the term itself
        ("phrase", "to be honest", False),
        ("noun", "To-do list", True),  # "to-" is part of a word, not a word of its own
    ],
)
def test_a_leading_function_word_may_be_dropped_for_every_part_of_speech(pos, term, allowed):
    assert allows_article(card(term, pos=pos)) is allowed


@pytest.mark.parametrize(
    ("typed", "term", "pos"),
    [("to approve", "approve", "verb"), ("a firewall", "firewall", "noun"), ("the firewall", "firewall", None),
     ("to log in", "log in", "phrasal verb"), ("a secure", "secure", "adjective")],
)
def test_to_before_a_verb_is_accepted_as_an_article_before_a_noun_is(typed, term, pos):
    c = card(term, pos=pos)
    assert check_typed(typed, [term], drop_article=allows_article(c)).correct


@pytest.mark.parametrize(
    ("typed", "term"),
    [
        ("email", "e\u00admail"),  # a soft hyphen: invisible on screen
        ("e\u00admail", "email"),
        ("password", "pass\u200bword"),  # a zero-width space
        ("log-in", "log\u2011in"),  # a non-breaking hyphen
        ("e-government", "e\u2013government"),  # an en dash
        ("don't", "don\u2032t"),  # a prime that looks like an apostrophe
        ('"cloud"', "\u201ecloud\u201f"),
    ],
)
def test_what_is_shown_typed_as_shown_is_correct(typed, term):
    result = check_typed(typed, [term])
    assert result.verdict == "correct"


def test_curly_and_straight_apostrophes_are_the_same():
    assert check_typed("don’t", ["don't"]).correct
    assert check_typed("don't", ["don’t"]).correct
    assert check_typed("‘cause", ["'cause"]).correct


def test_full_width_letters_match_ordinary_ones():
    assert check_typed("ｂｒｏｗｓｅｒ", ["browser"]).correct
    assert check_typed("ＡＰＩ", ["API"]).correct


def test_a_combining_accent_matches_the_precomposed_letter():
    combining = "cafe\u0301"
    precomposed = "caf\u00e9"
    assert combining != precomposed
    assert check_typed(combining, [precomposed]).correct
    assert check_typed(precomposed, [combining]).correct
    assert normalise(combining) == normalise(precomposed)


def test_a_missing_accent_is_a_near_miss_not_a_match():
    result = check_typed("cafe", ["café"])
    assert result.verdict == "close"


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("brwoser", "browser"),  # a swapped pair of letters is one slip
        ("recieve", "receive"),  # swapped
        ("browsr", "browser"),  # one letter missing
        ("browsers", "browser"),  # one letter too many
        ("brouser", "browser"),  # one letter wrong
        ("cat", "car"),  # short words still allow one slip
        ("authentcaton", "authentication"),  # 14 letters: two slips allowed
        ("atuhentciation", "authentication"),  # two swaps
    ],
)
def test_a_near_miss_is_close_and_graded_hard_with_a_diff(typed, answer):
    result = check_typed(typed, [answer])
    assert result.verdict == "close"
    assert not result.correct
    assert result.rating == Rating.Hard
    assert result.expected == answer
    assert result.typed == typed
    assert result.diff
    assert any(s.kind != "same" for s in result.diff)
    assert rebuild(result.diff, ("same", "extra")) == typed
    assert rebuild(result.diff, ("same", "missing")) == answer


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("brows", "browser"),  # two letters missing from a 7-letter word
        ("bwrosre", "browser"),  # two swaps in a 7-letter word
        ("dog", "car"),
        ("athntctn", "authentication"),  # six letters missing from 14
        ("download", "upload"),
    ],
)
def test_a_farther_answer_is_wrong_and_graded_again(typed, answer):
    result = check_typed(typed, [answer])
    assert result.verdict == "wrong"
    assert result.rating == Rating.Again
    assert result.expected == answer
    assert rebuild(result.diff, ("same", "extra")) == typed
    assert rebuild(result.diff, ("same", "missing")) == answer


@pytest.mark.parametrize("typed", ["", "   ", ".", " ?! ", "\t"])
def test_an_empty_answer_is_wrong(typed):
    result = check_typed(typed, ["browser"])
    assert result.verdict == "wrong"
    assert result.rating == Rating.Again
    assert result.expected == "browser"


def test_any_accepted_answer_is_correct_and_named_as_the_expected_one():
    result = check_typed("e-mail", ["email", "e-mail"])
    assert result.correct
    assert result.expected == "e-mail"
    assert check_typed("Email", ["email", "e-mail"]).expected == "email"


def test_a_near_miss_is_judged_against_the_closest_accepted_answer():
    # "applyed" is two edits from "apply" but one from "applied" (the form in the example).
    result = check_typed("applyed", ["apply", "applied"])
    assert result.verdict == "close"
    assert result.expected == "applied"
    assert rebuild(result.diff, ("same", "missing")) == "applied"
    # The first answer is not preferred when a later one is closer.
    far = check_typed("scheduled", ["plan", "schedule"])
    assert far.verdict == "close"
    assert far.expected == "schedule"


def test_the_closest_answer_is_used_even_when_none_is_close():
    result = check_typed("xyz", ["authentication", "xyzzy"])
    assert result.verdict == "wrong"
    assert result.expected == "xyzzy"


# -- the character diff -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("brwoser", "browser"),
        ("recieve", "receive"),
        ("", "browser"),
        ("browser", ""),
        ("browser", "browser"),
        ("abc", "xyz"),
        ("definately", "definitely"),
        ("tenggat", "tenggat waktu"),
    ],
)
def test_the_diff_rebuilds_both_the_typed_and_the_expected_text(typed, expected):
    segments = char_diff(typed, expected)
    assert rebuild(segments, ("same", "extra")) == typed
    assert rebuild(segments, ("same", "missing")) == expected
    assert {s.kind for s in segments} <= {"same", "extra", "missing"}
    assert all(s.text for s in segments)


def test_the_diff_marks_exactly_what_differs():
    segments = char_diff("browsr", "browser")
    assert [(s.kind, s.text) for s in segments] == [("same", "brows"), ("missing", "e"), ("same", "r")]
    segments = char_diff("browsers", "browser")
    assert [(s.kind, s.text) for s in segments] == [("same", "browser"), ("extra", "s")]
    assert char_diff("browser", "browser") == (Segment("same", "browser"),)


def test_the_diff_of_a_typed_result_shows_what_was_typed():
    result = check_typed("  Brwoser. ", ["browser"])
    assert result.verdict == "close"
    assert rebuild(result.diff, ("same", "extra")) == "Brwoser"  # case kept, outer spacing and stop aside
    assert [s.kind for s in result.diff] == ["same", "missing", "same", "extra", "same"]
    assert rebuild(result.diff, ("same", "missing")).lower() == "browser"


@pytest.mark.parametrize(
    ("typed", "answer"),
    [("xyz abc", "email address"), ("emal adress", "email address"), ("The Firwal", "firewall"),
     ("FIREWALLS", "firewall"), ("e\u00admial", "email")],
)
def test_the_typed_diff_never_shows_letters_that_were_not_typed(typed, answer):
    result = check_typed(typed, [answer], drop_article=True)
    assert result.verdict != "correct"
    assert rebuild(result.diff, ("same", "extra")) == typed.replace("\u00ad", "")
    assert any(s.kind != "same" for s in result.diff)  # and it is marked where it differs


def test_the_typed_diff_marks_the_letters_that_differ():
    result = check_typed("xyz abc", ["email address"])
    assert result.verdict == "wrong"
    extra = rebuild(result.diff, ("extra",))
    assert "xyz" in extra and "bc" in extra
    assert rebuild(result.diff, ("same",)).strip() == "a"
    assert rebuild(result.diff, ("same", "missing")) == "email address"
    result = check_typed("the firwal", ["firewall"], drop_article=True)
    assert result.diff[0] == Segment("same", "the fir")  # an accepted 'the' is no difference


# -- cloze --------------------------------------------------------------------------------------


def test_cloze_blanks_a_single_word():
    gap = cloze(card("browser", "Open the permit portal in your browser."))
    assert gap is not None
    assert gap.sentence == f"Open the permit portal in your {BLANK}."
    assert gap.answer == "browser"


@pytest.mark.parametrize(
    ("term", "example", "form"),
    [
        ("report", "She reports every phishing email.", "reports"),
        ("download", "I downloaded the template yesterday.", "downloaded"),
        ("upload", "He is uploading the scanned letter.", "uploading"),
        ("apply", "She applied for annual leave.", "applied"),
        ("copy", "He copies the file to the shared drive.", "copies"),
        ("schedule", "We are scheduling the meeting.", "scheduling"),
        ("schedule", "The meeting was scheduled for Monday.", "scheduled"),
        ("approve", "The head approves the budget.", "approves"),
        ("box", "Put the boxes in the store room.", "boxes"),
    ],
)
def test_cloze_blanks_inflected_forms_and_answers_with_that_form(term, example, form):
    gap = cloze(card(term, example, pos="verb"))
    assert gap is not None
    assert gap.answer == form
    assert gap.sentence == example.replace(form, BLANK, 1)
    assert form not in gap.sentence


def test_cloze_blanks_a_multi_word_term_as_one_gap():
    gap = cloze(card("two-factor authentication", "Turn on two-factor authentication for your account."))
    assert gap is not None
    assert gap.sentence == f"Turn on {BLANK} for your account."
    assert gap.answer == "two-factor authentication"
    gap = cloze(card("budget plan", "Send the budget  plan today."))
    assert gap is not None and gap.sentence == f"Send the {BLANK} today."


def test_cloze_blanks_a_hyphenated_term():
    gap = cloze(card("follow-up", "Send a follow-up email after the meeting."))
    assert gap is not None
    assert gap.sentence == f"Send a {BLANK} email after the meeting."
    assert gap.answer == "follow-up"


def test_cloze_splits_a_phrasal_verb_around_its_object():
    gap = cloze(card("call back", "I will call you back tomorrow.", pos="phrasal verb"))
    assert gap is not None
    assert gap.sentence == f"I will {BLANK} you {BLANK} tomorrow."
    assert gap.sentence.count(BLANK) == 2
    assert gap.answer == "call back"


def test_cloze_keeps_an_unsplit_phrasal_verb_in_one_gap():
    gap = cloze(card("call back", "Please call back after lunch.", pos="phrasal verb"))
    assert gap is not None
    assert gap.sentence == f"Please {BLANK} after lunch."
    assert gap.answer == "call back"


def test_cloze_splits_an_inflected_phrasal_verb_around_its_object():
    gap = cloze(card("fill in", "She filled the form in yesterday.", pos="phrasal verb"))
    assert gap is not None
    assert gap.sentence == f"She {BLANK} the form {BLANK} yesterday."
    assert gap.answer == "filled in"


def test_a_term_that_is_not_a_phrasal_verb_is_not_split():
    assert cloze(card("call back", "I will call you back tomorrow.", pos="noun")) is None


@pytest.mark.parametrize(
    ("term", "example", "form"),
    [
        ("API", "Our app reads the data through an api.", "api"),
        ("api", "Our app reads the data through an API.", "API"),
        ("download", "Download the template from the portal.", "Download"),
        ("Deadline", "The deadline is Friday.", "deadline"),
    ],
)
def test_cloze_ignores_case_and_keeps_the_example_s_spelling(term, example, form):
    gap = cloze(card(term, example))
    assert gap is not None
    assert gap.answer == form
    assert gap.sentence == example.replace(form, BLANK, 1)


@pytest.mark.parametrize(
    ("term", "example"),
    [
        ("deadline", "The report is due on Friday."),
        ("log", "Find the form in the catalogue."),  # only inside a longer word
        ("log", "Open the blog for updates."),
        ("log", "Open the log-in page."),  # part of a hyphenated word
        ("mail", "Check your e-mail twice a day."),
        ("port", "The portal is open."),
    ],
)
def test_cloze_is_none_when_the_example_lacks_the_term(term, example):
    assert cloze(card(term, example)) is None


def test_cloze_never_blanks_part_of_a_longer_word():
    gap = cloze(card("log", "Find the catalogue, then check the log."))
    assert gap is not None
    assert gap.sentence == f"Find the catalogue, then check the {BLANK}."
    assert gap.answer == "log"


@pytest.mark.parametrize(
    ("term", "example"),
    [
        ("note", "Do not forget to note the time."),
        ("use", "Tell us how to use the portal."),
        ("plane", "We plan to take the plane."),
    ],
)
def test_cloze_does_not_blank_a_shorter_word_that_lacks_the_term_s_final_e(term, example):
    gap = cloze(card(term, example))
    assert gap is not None
    assert gap.answer == term
    assert gap.sentence == example.replace(f" {term} ", f" {BLANK} ").replace(f" {term}.", f" {BLANK}.")


def test_cloze_does_not_blank_a_different_word_derived_with_er():
    gap = cloze(card("manage", "Ask your manager how to manage the budget.", pos="verb"))
    assert gap is not None
    assert gap.answer == "manage"
    assert gap.sentence == f"Ask your manager how to {BLANK} the budget."


# -- multiple choice ----------------------------------------------------------------------------


def pool_of(deck: str, specs: list[tuple[str, str, str | None]]) -> list[Card]:
    return [card(term, pos=pos, deck=deck, translation=translation) for term, translation, pos in specs]


OFFICE = pool_of(
    "office",
    [
        ("deadline", "tenggat waktu", "noun"),
        ("minutes", "notula", "noun"),
        ("attachment", "lampiran", "noun"),
        ("browser", "peramban", "noun"),
        ("download", "unduh", "verb"),
        ("upload", "unggah", "verb"),
        ("approve", "menyetujui", "verb"),
    ],
)
OTHER = pool_of(
    "security",
    [
        ("phishing", "pengelabuan", "noun"),
        ("password", "kata sandi", "noun"),
        ("firewall", "tembok api", "noun"),
        ("encrypt", "mengenkripsi", "verb"),
    ],
)


def test_four_options_with_the_card_among_them_and_no_repeats():
    target = OFFICE[0]
    for seed in range(30):
        options = choose_options(target, OFFICE + OTHER, random.Random(seed))
        assert len(options) == 4
        assert target in options
        assert len({o.translation for o in options}) == 4
        assert len({(o.deck_id, o.id) for o in options}) == 4


def test_the_card_is_not_always_in_the_same_place():
    target = OFFICE[0]
    places = {choose_options(target, OFFICE + OTHER, random.Random(seed)).index(target) for seed in range(40)}
    assert places == {0, 1, 2, 3}


def test_no_two_options_share_a_translation():
    target = card("download", deck="office", translation="unduh", pos="verb")
    pool = [target] + pool_of(
        "office",
        [
            ("fetch", "unduh", "verb"),  # same translation as the card
            ("get", "Unduh ", "verb"),  # the same after normalising
            ("save", "simpan", "verb"),
            ("store", "simpan", "verb"),
            ("keep", "SIMPAN", "verb"),
            ("send", "kirim", "verb"),
            ("mail", "kirim", "verb"),
            ("delete", "hapus", "verb"),
            ("erase", "hapus", "verb"),
        ],
    )
    for seed in range(40):
        options = choose_options(target, pool, random.Random(seed))
        assert len(options) == 4
        assert target in options
        translations = [normalise(o.translation) for o in options]
        assert len(set(translations)) == 4, translations
        assert sorted(translations) == ["hapus", "kirim", "simpan", "unduh"]


def test_distractors_share_the_deck_and_part_of_speech_where_possible():
    target = OFFICE[0]  # a noun with three other nouns in its deck
    for seed in range(30):
        options = choose_options(target, OFFICE + OTHER, random.Random(seed))
        others = [o for o in options if o is not target]
        assert all(o.deck_id == "office" for o in others)
        assert all(o.part_of_speech == "noun" for o in others)
        assert {o.term for o in others} == {"minutes", "attachment", "browser"}


def test_the_same_deck_comes_before_the_same_part_of_speech_elsewhere():
    target = OFFICE[4]  # a verb: two other verbs in its deck, four nouns, and a verb in another deck
    seen_nouns = set()
    for seed in range(30):
        options = choose_options(target, OFFICE + OTHER, random.Random(seed))
        others = [o for o in options if o is not target]
        assert len(others) == 3
        assert all(o.deck_id == "office" for o in others)
        verbs = {o.term for o in others if o.part_of_speech == "verb"}
        assert verbs == {"upload", "approve"}
        seen_nouns |= {o.term for o in others if o.part_of_speech == "noun"}
    assert seen_nouns == {"deadline", "minutes", "attachment", "browser"}  # the rest is not always the same


def test_other_decks_fill_in_when_the_deck_is_small():
    small = pool_of("tiny", [("server", "peladen", "noun"), ("router", "perute", "noun")])
    target = small[0]
    for seed in range(20):
        options = choose_options(target, small + OTHER, random.Random(seed))
        assert len(options) == 4
        assert target in options
        assert small[1] in options
        assert sum(o.deck_id == "security" for o in options) == 2
        assert len({o.translation for o in options}) == 4


def test_a_tiny_pool_gives_fewer_options_but_no_repeats():
    target = card("server", deck="tiny", translation="peladen")
    pool = [
        target,
        card("router", deck="tiny", translation="perute"),
        card("host", deck="tiny", translation="peladen"),  # same translation: not an option
        card("server", deck="other", translation="server komputer", card_id="server"),  # same term
    ]
    options = choose_options(target, pool, random.Random(1))
    assert len(options) == 2
    assert {o.term for o in options} == {"server", "router"}
    assert target in options
    assert choose_options(target, [target], random.Random(1)) == [target]


def test_options_are_the_same_for_the_same_seed():
    target = OFFICE[0]
    first = choose_options(target, OFFICE + OTHER, random.Random(42))
    again = choose_options(target, OFFICE + OTHER, random.Random(42))
    assert first == again
    orders = {tuple(o.term for o in choose_options(target, OFFICE + OTHER, random.Random(s))) for s in range(10)}
    assert len(orders) > 1


# -- which mode a card gets in mixed mode -------------------------------------------------------


def review_state(stability: float) -> FSRSCard:
    return FSRSCard(card_id=1, state=State.Review, stability=stability, difficulty=5,
                    due=NOW + timedelta(days=stability), last_review=NOW)


CLOZABLE = card("deadline", "The deadline is Friday.", pos="noun")
NOT_CLOZABLE = card("deadline", "The report is due on Friday.", pos="noun")


def test_a_new_card_is_multiple_choice():
    assert mode_for(CLOZABLE, None) == Mode.CHOICE
    assert mode_for(CLOZABLE, None, choice_possible=True) == Mode.CHOICE


def test_a_new_card_is_recognition_when_choice_is_impossible():
    assert mode_for(CLOZABLE, None, choice_possible=False) == Mode.RECOGNITION


@pytest.mark.parametrize("state", [State.Learning, State.Relearning])
def test_a_learning_card_is_recognition(state):
    learning = FSRSCard(card_id=1, state=state, step=0, stability=20, difficulty=5, due=NOW, last_review=NOW)
    assert mode_for(CLOZABLE, learning) == Mode.RECOGNITION
    fresh = FSRSCard(card_id=1, state=state, step=0, due=NOW)
    assert mode_for(CLOZABLE, fresh) == Mode.RECOGNITION


@pytest.mark.parametrize(
    ("stability", "mode"),
    [
        (0.5, Mode.PRODUCTION),
        (3.99, Mode.PRODUCTION),
        (4, Mode.TYPED),
        (14.9, Mode.TYPED),
        (15, Mode.CLOZE),
        (200, Mode.CLOZE),
    ],
)
def test_a_review_card_gets_harder_modes_as_its_memory_grows(stability, mode):
    assert mode_for(CLOZABLE, review_state(stability)) == mode


@pytest.mark.parametrize("stability", [15, 60])
def test_a_strong_card_is_typed_when_its_example_lacks_the_term(stability):
    assert mode_for(NOT_CLOZABLE, review_state(stability)) == Mode.TYPED


def test_the_mode_of_a_review_card_does_not_depend_on_whether_choice_is_possible():
    assert mode_for(CLOZABLE, review_state(2), choice_possible=False) == Mode.PRODUCTION
    assert mode_for(CLOZABLE, review_state(30), choice_possible=False) == Mode.CLOZE


@pytest.mark.parametrize(
    ("term", "example", "sentence", "form"),
    [
        ("report", "Send the report today; the report is due at noon.",
         f"Send the {BLANK} today; the {BLANK} is due at noon.", "report"),
        ("report", "Reports go to the head; she reads the reports on Monday.",
         f"{BLANK} go to the head; she reads the {BLANK} on Monday.", "Reports"),
        ("call back", "Call me back, or I will call you back.",
         f"{BLANK} me {BLANK}, or I will {BLANK} you {BLANK}.", "Call back"),
    ],
)
def test_cloze_blanks_every_occurrence_of_the_term(term, example, sentence, form):
    pos = "phrasal verb" if " " in term else None
    gap = cloze(card(term, example, pos=pos))
    assert gap is not None
    assert gap.sentence == sentence
    assert gap.answer == form
    assert term.split()[0] not in gap.sentence.lower()


def test_a_term_used_in_two_forms_is_not_asked_as_a_cloze():
    # One typed word could not fill both gaps, and either form left standing would give it away.
    assert cloze(card("report", "The report lists last year's reports.")) is None
