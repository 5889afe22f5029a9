"""Control characters in text from people and files are found, and printed only as visible escapes."""

from hypothesis import given
from hypothesis import strategies as st

from vocab_tui.text import control_characters, describe_character, has_control_characters, visible


def test_escape_sequences_are_found_and_made_visible():
    title = "\x1b]0;PWNED\x07"
    assert control_characters(title) == [0, 9]
    assert visible(title) == "\\x1b]0;PWNED\\x07"
    assert describe_character("\x1b") == "U+001B"


def test_c1_and_del_are_control_characters_but_brackets_are_not():
    assert has_control_characters("a\x9bb") and has_control_characters("a\x7f")
    assert not has_control_characters("Agus [/TU] \\ [@click=app.quit] \u202ekiri")
    assert visible("Budi [PNS]") == "Budi [PNS]"


def test_allowed_line_breaks_stay():
    assert control_characters("one\ntwo\tthree", allow="\n") == [7]
    assert visible("one\ntwo", allow="\n") == "one\ntwo"


@given(st.text())
def test_visible_text_never_holds_a_control_character(text):
    shown = visible(text)
    assert not has_control_characters(shown)
    if not has_control_characters(text):
        assert shown == text
