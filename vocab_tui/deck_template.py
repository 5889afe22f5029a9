"""A new deck to start from: valid, with a comment on every field in the interface language."""

from __future__ import annotations

import textwrap

from .decks import LEVELS, PARTS_OF_SPEECH
from .i18n import _

_WIDTH = 79  # readable in an 80-column terminal editor


def deck_template(deck_id: str) -> str:
    """The YAML text of a new deck `deck_id` with two example cards; it passes `decks check` clean.

    The caller checks that `deck_id` is a valid id (`decks.is_valid_id`). Comments stand on lines
    of their own, never after a value (where ` #` would cut a plain value short).
    """
    title = deck_id.replace("-", " ").replace("_", " ").replace(".", " ").strip().capitalize()

    def note(text: str, indent: int = 0) -> str:
        lines = textwrap.wrap(text, _WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False)
        return "".join(" " * indent + "# " + line + "\n" for line in lines)

    levels = ", ".join(LEVELS)
    parts = ", ".join(PARTS_OF_SPEECH)
    return (
        note(_("A vocab-tui deck: a 'deck:' header, then a list of 'cards:'. Check it with "
               "'vocab-tui decks check FILE' before you share it; the format is described in docs/deck-format.md."))
        + note(_("Lines starting with '#' are comments for you; the app ignores them. Keep each comment on a line "
                 "of its own: after a value, ' #' would cut the value short."))
        + "deck:\n"
        + note(_("Required. The deck's id: lowercase letters, digits and dashes, unique among all decks. Keep it "
                 "once staff study the deck: their progress is stored under it."), 2)
        + f"  id: {deck_id}\n"
        + note(_("Required. The name learners see on the home screen."), 2)
        + f"  title: {title}\n"
        + note(_("Optional. A sentence or two about the deck, for example:"), 2)
        + "  # description: " + _("English for the front office of our unit.") + "\n"
        + note(_("Optional. Your own revision number; raise it when you change the deck."), 2)
        + "  version: 1\n"
        + note(_("Optional. Words to group decks by, as a list in square brackets."), 2)
        + f"  tags: [{deck_id}]\n"
        + "\n"
        + note(_("Each card starts with '- term:'. Every card needs term, translation, definition and example; "
                 "the other keys may be left out."))
        + "cards:\n"
        + note(_("Required. The English word or phrase being learned; unique in the deck."), 2)
        + "  - term: download\n"
        + note(_("Required. The meaning in Indonesian (the official term where there is one); separate several "
                 "meanings with '; '."), 4)
        + "    translation: unduh; mengunduh\n"
        + note(_("Required. A plain-English definition that does not use the term itself."), 4)
        + "    definition: To copy a file from the internet to your own computer.\n"
        + note(_("Required. An English sentence that uses the term: the cloze mode blanks it out (a form such as "
                 "'downloaded' counts too). If no sentence can hold the term, tag the card no-cloze and say why "
                 "in 'notes'."), 4)
        + "    example: Please download the form from the city website.\n"
        + note(_("Optional. The example in Indonesian."), 4)
        + "    example_translation: Silakan unduh formulir dari situs web pemerintah kota.\n"
        + note(_("Optional. The part of speech, one of: {parts}.").format(parts=parts), 4)
        + "    part_of_speech: verb\n"
        + note(_("Optional. The CEFR level of the term, one of {levels}: A1 and A2 for beginners, B1 and B2 "
                 "for intermediate learners, C1 and C2 for advanced ones.").format(levels=levels), 4)
        + "    level: A2\n"
        + note(_("Optional. Words to group cards by, as a list in square brackets."), 4)
        + "    tags: [digital-tools]\n"
        + note(_("Optional. The British pronunciation, between slashes."), 4)
        + "    ipa: /ˌdaʊnˈləʊd/\n"
        + note(_("Optional. A note the learner sees with the answer."), 4)
        + "    notes: Lawannya upload (unggah).\n"
        + "\n"
        + note(_("A second card. 'id' gives the card a stable identity (by default it is made from the term, so "
                 "changing the term would start its progress anew); 'acronym_of' says what an acronym stands "
                 "for."), 2)
        + "  - id: otp\n"
        + "    term: OTP\n"
        + "    acronym_of: one-time password\n"
        + "    translation: kata sandi sekali pakai\n"
        + "    definition: A code that works for one login only, often sent by SMS.\n"
        + "    example: Enter the OTP that was sent to your phone.\n"
        + "    example_translation: Masukkan OTP yang dikirim ke ponsel Anda.\n"
        + "    part_of_speech: noun\n"
        + "    level: B1\n"
        + "    tags: [security]\n"
    )
