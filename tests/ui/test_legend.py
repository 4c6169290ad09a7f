"""One table from a role to a style, in the theme's variables: every role the dashboard
draws is in it, and no module of the dashboard names a colour of its own."""

from __future__ import annotations

import re
from pathlib import Path

from tui.core.feeds import FeedStatus
from tui.ui import feeds, legend, rowlist

UI = Path(legend.__file__).parent
# A colour by name inside a string or a stylesheet value: "green", "bold red", color: blue.
RAW_COLOUR = re.compile(
    r"""(["']|color:\s*|background:\s*)[^"'\n;]*\b(green|red|yellow|blue|magenta|cyan|white|black)\b"""
)


def test_every_role_drawn_has_a_theme_style() -> None:
    roles = {*rowlist.ROLES, *legend.STANCE_ROLE.values(), *legend.STATUS_ROLE.values()}
    roles |= {feeds.STATUS_ROLE[status] for status in FeedStatus}
    assert roles <= set(legend.ROLE_STYLE)
    for style in legend.ROLE_STYLE.values():
        colours = [word for word in style.split() if not word.isalpha()]
        assert all(word.startswith("$") for word in colours), style


def test_no_dashboard_module_names_a_colour() -> None:
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted([*UI.glob("*.py"), *UI.glob("*.tcss")])
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if RAW_COLOUR.search(line)
    ]
    assert found == []


def test_a_role_as_a_stylesheet_rule_and_as_a_rich_style() -> None:
    assert legend.role_css("X", "good", "bold") == "X { color: $text-success; text-style: bold; }"
    assert legend.role_css("X", "match") == "X { text-style: underline bold; }"
    variables = {"text-error": "#D17E92", "text-muted": "auto 60%"}
    assert legend.rich_role_style("bad", variables) == "#D17E92"
    assert legend.rich_role_style("dim", variables) == "dim"  # relative to the background
