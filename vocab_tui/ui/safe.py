"""Text on screen exactly as written: the one way the interface shows words.

In Textual a `str` given to a widget is read as markup: a learner named `Agus [/TU]` stops the app
with a MarkupError, `Budi [PNS]` loses his unit and `[@click=app.quit]` becomes a button. And a
terminal obeys control characters (ESC) in whatever it is sent. So every screen takes its widgets
from here, where text is data:

- `Static`, `Label`, `OptionList`, `Option`, `Select`, `DataTable`: like Textual's, but a `str`
  is always shown literally, control characters as visible escapes (`vocab_tui.text.visible`).
- `plain(text, style)`: literal text as `Content`, optionally in one style of the app's choosing.
- `markup(template, **data)`: the app's (translated) markup template with `{name}` fields; each
  value is inserted literally, never read as markup.
- `command(...)`: a command-palette entry whose title and help are literal.
- `Input`: like Textual's, but a control character typed or pasted into it is drawn as a visible
  symbol (the value keeps it, so the app can refuse it with a message).

`VocabApp.notify` shows a `str` literally too. `tests/test_safe_text.py` fails when a screen takes
a text widget from Textual directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from string import Formatter
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import widgets as textual_widgets
from textual.app import SystemCommand
from textual.content import Content
from textual.expand_tabs import expand_tabs_inline
from textual.widgets import option_list

from ..text import visible

Shown = str | Content
"""What the safe widgets take: a str (always literal) or Content built here."""

# One visible symbol of one cell per control character (tab is the Input's own business).
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20) if code != 0x09} | {0x7F: "\u2421"} | {
    code: "\ufffd" for code in range(0x80, 0xA0)}

_FIRST_SLOT = 0xF0000  # private-use characters stand for the fields while the template is parsed


def plain(text: object, style: str = "") -> Content:
    """`text` exactly as written (brackets stay brackets; control characters become visible escapes)."""
    content = Content(visible(str(text), allow="\n"))
    return content.stylize(style) if style else content


def markup(template: str, /, **data: object) -> Content:
    """The app's own markup `template` (`[b]{n}[/b] days`) with each `{field}` filled literally.

    A value may be text, a number (format specs such as `{n:>3}` work) or `Content` (kept as it
    is, styles included). Values are never parsed as markup, whatever brackets they hold.
    """
    formatter = Formatter()
    pieces: list[str] = []
    values: list[Content] = []
    for literal, field, spec, conversion in formatter.parse(template):
        pieces.append(literal)
        if field is None:
            continue
        value = data[field]
        if conversion:
            value = formatter.convert_field(value, conversion)
        if not isinstance(value, Content) or spec:
            value = plain(format(value, spec or ""))
        pieces.append(chr(_FIRST_SLOT + len(values)))
        values.append(value)
    parsed = Content.from_markup("".join(pieces))
    return _fill(parsed, values, template)


def _fill(parsed: Content, values: list[Content], template: str) -> Content:
    """Put each value where its slot character is, styled as the template styles that place."""
    text = parsed.plain
    result = Content("")
    start = 0
    filled = 0
    for index, char in enumerate(text):
        number = ord(char) - _FIRST_SLOT
        if not 0 <= number < len(values):
            continue
        value = values[number]
        for span in parsed.spans:
            if span.start <= index < span.end:
                value = value.stylize_before(span.style)
        result = result + parsed[start:index] + value
        start = index + 1
        filled += 1
    if filled != len(values):
        raise ValueError(f"A field of this template sits inside a markup tag: {template!r}")
    return result + parsed[start:]


def escape(text: str) -> str:
    """`text` as markup that shows it exactly, for the few Textual APIs that take only markup strings."""
    return visible(text, allow="\n").replace("[", "\\[")


def shown(content: object) -> Any:
    """A str as literal Content; Content (and any other visual) unchanged."""
    return plain(content) if isinstance(content, str) else content


def command(title: str, help: str, callback: Callable[[], object]) -> SystemCommand:
    """A command-palette entry shown literally (the palette reads titles and help as markup)."""
    return SystemCommand(escape(title), shown(help), callback)


def _cell(value: object) -> Any:
    # The table measures Rich Text (not Content), so its cells and labels are Text.
    return Text(visible(value, allow="\n"), end="") if isinstance(value, str) else value


class _Literal:
    """For Static and Label: a str given at creation, to `update` or to `content` is shown literally."""

    def __init__(self, content: Shown = "", **options: Any) -> None:
        super().__init__(shown(content), **options)  # type: ignore[call-arg]

    def update(self, content: Shown = "", *, layout: bool = True) -> None:
        super().update(shown(content), layout=layout)  # type: ignore[misc]

    @property
    def content(self) -> Any:
        return super().content  # type: ignore[misc]

    @content.setter
    def content(self, content: Shown) -> None:
        self.update(content)


class Static(_Literal, textual_widgets.Static):
    """Textual's Static; a str is shown literally."""


class Label(_Literal, textual_widgets.Label):
    """Textual's Label; a str is shown literally."""


class Option(option_list.Option):
    """Textual's Option; a str prompt is shown literally."""

    def __init__(self, prompt: Any, id: str | None = None, disabled: bool = False) -> None:
        super().__init__(shown(prompt), id, disabled)

    def _set_prompt(self, prompt: Any) -> None:
        super()._set_prompt(shown(prompt))


def _option(item: Any) -> Any:
    return item if item is None or isinstance(item, option_list.Option) else Option(item)


class OptionList(textual_widgets.OptionList):
    """Textual's OptionList; str options are shown literally."""

    def __init__(self, *content: Any, **options: Any) -> None:
        options.setdefault("markup", False)
        super().__init__(*content, **options)

    def add_options(self, new_options: Iterable[Any]) -> OptionList:
        return super().add_options([_option(item) for item in new_options])


class Select(textual_widgets.Select):  # type: ignore[type-arg]
    """Textual's Select; str prompts are shown literally."""

    def __init__(self, options: Iterable[tuple[Any, Any]], **settings: Any) -> None:
        super().__init__([(shown(prompt), value) for prompt, value in options], **settings)

    def set_options(self, options: Iterable[tuple[Any, Any]]) -> None:
        super().set_options([(shown(prompt), value) for prompt, value in options])


def _data_table() -> type:
    """Textual's DataTable, made safe; built on first use (PEP 562 `__getattr__` below), because
    Textual's table module is not needed for the first screen and start-up is measured."""

    class DataTable(textual_widgets.DataTable):  # type: ignore[type-arg]
        """Textual's DataTable; str cells, row labels and column labels are shown literally."""

        def add_column(self, label: Any, *, width: int | None = None, key: str | None = None,
                       default: Any = None) -> Any:
            return super().add_column(_cell(label), width=width, key=key, default=default)

        def add_row(self, *cells: Any, height: int | None = 1, key: str | None = None, label: Any = None) -> Any:
            return super().add_row(*map(_cell, cells), height=height, key=key, label=_cell(label))

        def update_cell(self, row_key: Any, column_key: Any, value: Any, *, update_width: bool = False) -> None:
            super().update_cell(row_key, column_key, _cell(value), update_width=update_width)

    DataTable.__qualname__ = DataTable.__name__
    DataTable.__module__ = __name__
    return DataTable


if TYPE_CHECKING:
    DataTable: Any


def __getattr__(name: str) -> Any:
    if name == "DataTable":
        table = globals()["DataTable"] = _data_table()  # once: later lookups find the module attribute
        return table
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Input(textual_widgets.Input):
    """Textual's Input; a control character in the value is drawn as a symbol (ESC as ␛), never sent raw."""

    @property
    def _value(self) -> Text:
        if self.password:
            return super()._value
        # One symbol per character, so the cursor and the selection still line up with the value.
        text = Text(self.value.translate(_PICTURES), no_wrap=True, overflow="ignore", end="")
        return self.highlighter(text) if self.highlighter is not None else text

    def _position_to_cell(self, position: int) -> int:
        return cell_len(expand_tabs_inline(self.value[:position].translate(_PICTURES), 4))
