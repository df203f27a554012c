"""How ``briefbot shell`` shows a Bot API message in a terminal."""

from __future__ import annotations

from bot.terminal import format_entities, render_message


def test_bold_and_links_are_readable_without_colour() -> None:
    text = "Big news: read more"
    entities = [
        {"type": "bold", "offset": 0, "length": 8},
        {"type": "text_link", "offset": 10, "length": 9, "url": "https://example.com/a?b=1&c=2"},
    ]
    assert format_entities(text, entities) == (
        "*Big news*: read more <https://example.com/a?b=1&c=2>"
    )


def test_offsets_count_utf16_code_units_so_emoji_do_not_shift_entities() -> None:
    # "👩‍💻" is 5 UTF-16 units (two surrogate pairs and a joiner); the bold word follows it.
    text = "👩‍💻 芯片 news"
    entities = [{"type": "bold", "offset": 6, "length": 2}]
    assert format_entities(text, entities) == "👩‍💻 *芯片* news"


def test_nested_entities_close_inner_first() -> None:
    text = "headline"
    entities = [
        {"type": "text_link", "offset": 0, "length": 8, "url": "https://x.example"},
        {"type": "bold", "offset": 0, "length": 8},
    ]
    assert format_entities(text, entities) == "*headline* <https://x.example>"


def test_colour_terminals_get_real_bold() -> None:
    assert format_entities("ab", [{"type": "bold", "offset": 0, "length": 1}], color=True) == (
        "\x1b[1ma\x1b[22mb"
    )


def test_callback_buttons_are_numbered_and_url_buttons_show_their_link() -> None:
    message = {
        "text": "Pick one",
        "reply_markup": {
            "inline_keyboard": [
                [
                    {"text": "Today", "callback_data": "v1:td"},
                    {"text": "Help", "callback_data": "x"},
                ],
                [{"text": "Source", "url": "https://example.com"}],
            ]
        },
    }
    rendered = render_message(message)
    assert rendered.text == "Pick one\n[1] Today  [2] Help\nSource <https://example.com>"
    assert [(b.number, b.callback_data) for b in rendered.buttons] == [(1, "v1:td"), (2, "x")]


def test_item_buttons_are_tapped_by_their_own_number() -> None:
    rows = [[{"text": n, "callback_data": f"v1:it:20250721:{n}"} for n in ("2", "3", "8")]]
    rows.append([{"text": "✅ Mark all read", "callback_data": "v1:mar"}])
    rendered = render_message({"text": "Unread", "reply_markup": {"inline_keyboard": rows}})
    assert rendered.text == "Unread\n[2]  [3]  [8]\n[9] ✅ Mark all read"
    assert [(b.number, b.callback_data) for b in rendered.buttons] == [
        (2, "v1:it:20250721:2"),
        (3, "v1:it:20250721:3"),
        (8, "v1:it:20250721:8"),
        (9, "v1:mar"),
    ]
