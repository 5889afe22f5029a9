"""Text from people and files is data: `vocab_tui.ui.safe` shows it literally, and every screen uses it.

The guard below reads the source of the interface: a screen that takes a text widget straight from
Textual (where a str is markup) or builds markup from data by hand fails here, before a learner
named `Agus [/TU]` can stop the app.
"""

from __future__ import annotations

import ast
import subprocess
from string import Formatter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.content import Content

from vocab_tui.text import visible
from vocab_tui.ui.safe import escape, markup, plain

from .conftest import REPO

UI = REPO / "vocab_tui" / "ui"

# Textual widgets that show no text from people or files (Footer shows the app's own key names).
PLAIN_TEXTUAL_WIDGETS = {"Footer", "ProgressBar", "Sparkline"}
# Modules that build markup or Rich text by hand; only `safe` may use them.
MARKUP_MODULES = {"rich.text", "rich.markup", "textual.markup"}
# Attributes Textual reads as markup.
MARKUP_ATTRIBUTES = {"border_title", "border_subtitle", "tooltip"}
TRANSLATE = {"_", "ngettext"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_app_text(node: ast.AST) -> bool:
    """A literal or a translation of a literal: text the app owns, safe to read as markup."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.Call) and _name(node.func) in TRANSLATE:
        texts = node.args[:2] if _name(node.func) == "ngettext" else node.args
        return bool(texts) and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in texts)
    return False


def _is_app_constant(node: ast.AST) -> bool:
    """A literal, or read from a module constant (NAME or NAME[...])."""
    if isinstance(node, ast.Subscript):
        node = node.value
    return isinstance(node, ast.Constant) or (isinstance(node, ast.Name) and node.id.isupper())


def _is_helper_call(node: ast.AST) -> bool:
    """plain(...), markup(...), or a method of their result (plain("\\n").join(lines))."""
    if not isinstance(node, ast.Call):
        return False
    if _name(node.func) in {"plain", "markup"}:
        return True
    return isinstance(node.func, ast.Attribute) and _is_helper_call(node.func.value)


def _sum_operands(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _sum_operands(node.left) + _sum_operands(node.right)
    if isinstance(node, ast.IfExp):
        return _sum_operands(node.body) + _sum_operands(node.orelse)
    return [node]


def _is_safe_text(node: ast.AST) -> bool:
    return _is_app_text(node) or (isinstance(node, ast.Call) and _name(node.func) in {"plain", "markup"})


def problems_in(source: str, filename: str = "<source>") -> list[str]:
    """Every place in `source` where text could reach the screen as markup or raw control codes."""
    found: list[str] = []

    def report(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module == "textual.widgets":
                for alias in node.names:
                    if alias.name not in PLAIN_TEXTUAL_WIDGETS:
                        report(node, f"{alias.name} from textual.widgets reads a str as markup; "
                                     f"take it from vocab_tui.ui.safe (or add a safe version there)")
            elif module.startswith("textual.widgets.") or module in MARKUP_MODULES:
                report(node, f"{module} builds markup or widgets by hand; use vocab_tui.ui.safe")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("textual.widgets") or alias.name in MARKUP_MODULES:
                    report(node, f"import {alias.name}: use vocab_tui.ui.safe")
        elif isinstance(node, ast.Call):
            func = node.func
            if _name(func) in {"Content", "Text", "SystemCommand"} or (
                    isinstance(func, ast.Attribute) and _name(func.value) == "Content"):
                report(node, f"{ast.unparse(func)}(...) by hand: use plain(), markup() or command() from "
                             f"vocab_tui.ui.safe, which make data literal and control characters visible")
            elif _name(func) == "markup" and (not node.args or not _is_app_text(node.args[0])):
                report(node, "the markup() template must be the app's own text (a literal or _(literal)); "
                             "pass data as its fields")
            elif _name(func) == "plain" and len(node.args) > 1 and not _is_app_constant(node.args[1]):
                report(node, "the plain() style must be the app's own (a literal or a module constant)")
            if _name(func) in {"Binding", "replace"}:
                continue  # key bindings and their copies: descriptions and tooltips are the app's N_() text
            for keyword in node.keywords:
                if keyword.arg in MARKUP_ATTRIBUTES and not _is_safe_text(keyword.value):
                    report(node, f"{keyword.arg}= is read as markup: pass plain(...) or markup(...)")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            # Content + str keeps the str as it is, control characters included: data joins as plain(...).
            operands = _sum_operands(node)
            if any(_is_helper_call(o) for o in operands):
                for operand in operands:
                    if not (_is_safe_text(operand) or _is_helper_call(operand) or isinstance(operand, ast.Name)):
                        report(node, f"{ast.unparse(operand)} is added to Content as it is: wrap it in plain(...)")
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (isinstance(target, ast.Attribute) and target.attr in MARKUP_ATTRIBUTES
                        and not _is_safe_text(node.value)):
                    report(node, f".{target.attr} is read as markup: assign plain(...) or markup(...)")
    return found


def ui_sources() -> list[Path]:
    return sorted(p for p in UI.rglob("*.py") if p.name != "safe.py")


def test_every_screen_shows_text_through_the_safe_module():
    found = [p for path in ui_sources() for p in problems_in(path.read_text("utf-8"), str(path.relative_to(REPO)))]
    assert found == []


def test_the_guard_knows_every_screen():
    names = {p.name for p in ui_sources()}
    assert {"app.py", "profile.py", "home.py", "drill.py", "browse.py", "stats.py", "settings.py", "summary.py",
            "help.py", "options.py", "base.py"} <= names


@pytest.mark.parametrize("source", [
    "from textual.widgets import Static",
    "from textual.widgets import Footer, Label",
    "from textual.widgets import Input",
    "from textual.widgets.option_list import Option",
    "import textual.widgets",
    "from rich.markup import escape",
    "from textual.markup import escape",
    "x = Content(name)",
    "x = Content.from_markup(template)",
    "yield SystemCommand(title, help, callback)",
    "x = markup(learner.name)",
    "x = markup(_('Hello {n}').format(n=1))",
    "x = plain(name, style)",
    "x = plain(name, card.style)",
    "widget.border_title = learner.name",
    "widget.tooltip = f'{learner.name}'",
    "x = Button('ok', tooltip=learner.name)",
    "x = plain(card.term, 'b') + card.ipa",
    "x = plain(card.term, 'b') + (f'  {card.ipa}' if card.ipa else '')",
    "x = '\\n' + markup(_('[b]{n}[/b]'), n=1) + str(err)",
])
def test_the_guard_catches_text_that_would_be_read_as_markup(source):
    assert problems_in(source)


@pytest.mark.parametrize("source", [
    "from textual.widgets import Footer, Sparkline\nfrom vocab_tui.ui.safe import Static, Label, Input",
    "x = markup(_('Streak: [b]{n}[/b]'), n=streak)",
    "x = markup(ngettext('[b]{n}[/b] day', '[b]{n}[/b] days', n), n=n)",
    "x = plain(learner.name, 'b')",
    "widget.border_title = plain(learner.name)",
    "widget.border_title = _('Decks')",
    "x = plain(card.term, 'b') + '  ' + plain(card.ipa) + _('Note') + mark",
    "x = plain('\\n').join(lines) + '\\n'",
])
def test_the_guard_accepts_the_safe_ways(source):
    assert problems_in(source) == []


def test_the_guard_would_have_caught_the_old_profile_screen():
    """The profile screen as it was when `Agus [/TU]` stopped the app."""
    old = subprocess.run(["git", "show", "062acc8:vocab_tui/ui/screens/profile.py"], cwd=REPO,
                         capture_output=True, text=True)
    if old.returncode:
        pytest.skip("the history of the repository is not available")
    assert any("OptionList" in p or "Static" in p for p in problems_in(old.stdout))


# -- the helpers themselves -------------------------------------------------------------------

NASTY = ["Agus [/TU]", "Budi [PNS]", "[@click=app.quit]Quit[/]", "[b]Bold[/b]", "a\\", "\\[b]", "$name",
         "{n}", "[", "]", "\x1b[31mred", "\u202eright-to-left", "x" * 300]


@pytest.mark.parametrize("text", NASTY)
def test_plain_shows_text_as_written(text):
    content = plain(text)
    assert content.plain == visible(text)
    assert content.spans == []


@given(st.text())
def test_escape_round_trips_through_textual_markup(text):
    assert Content.from_markup(escape(text)).plain == visible(text, allow="\n")


@given(st.text(), st.text())
@settings(max_examples=200)
def test_markup_fields_are_literal_and_the_template_styles_them(name, unit):
    content = markup("Hello [b]{name}[/b] of {unit}!", name=name, unit=unit)
    shown_name, shown_unit = visible(name, allow="\n"), visible(unit, allow="\n")
    assert content.plain == f"Hello {shown_name} of {shown_unit}!"
    start = len("Hello ")
    bold = {i for span in content.spans if span.style == "b" for i in range(span.start, span.end)}
    assert bold == set(range(start, start + len(shown_name)))


def test_markup_formats_numbers_and_keeps_content_styles():
    content = markup("{label:<6}[b]{value}[/b] {diff}", label="Due", value=7, diff=plain("x", "red"))
    assert content.plain == "Due   7 x"
    assert any(span.style == "red" for span in content.spans)
    assert markup("{{literal}} {n:>3}", n=5).plain == "{literal}   5"


def test_a_field_in_brackets_is_text_never_a_tag():
    content = markup("[{style}] and [b]{x}[/b]", style="b", x="[/b]")
    assert content.plain == "[b] and [/b]"
    assert [(span.start, span.end) for span in content.spans] == [(8, 12)]


def test_translations_keep_the_markup_of_their_templates():
    """A translated template that breaks its markup would stop the app (MarkupError) in that language."""
    from babel.messages.pofile import read_po

    from vocab_tui import i18n

    po = Path(i18n.__file__).parent / "locale" / "id" / "LC_MESSAGES" / "vocab_tui.po"
    with po.open("rb") as handle:
        messages = [m for m in read_po(handle, locale="id") if m.id]
    checked = 0
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        styles = {span.style for span in Content.from_markup(ids[0]).spans}
        if not styles:
            continue
        checked += 1
        for text in strings:
            fields = {name: "x" for _lit, name, _spec, _conv in Formatter().parse(text) if name}
            assert {span.style for span in markup(text, **fields).spans} == styles, (message.id, text)
    assert checked >= 5  # the statistics and the quit hint use markup
