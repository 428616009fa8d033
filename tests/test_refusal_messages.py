"""A refused value's message is one a person can read (no attrs internals in it)."""

from __future__ import annotations

import pytest

import filmparse
from conftest import REFERENCE

REFERENCE_TEXT = REFERENCE.read_text(encoding="utf-8")
# (edit of the reference page, what the message must say): attrs' in_()
# validator raises ValueError(message, Attribute, options, value).
EDITS = [
    (("\nStream\n", "\n\u017ftream\n"), "'offers' must be in"),
]


@pytest.mark.parametrize(("edit", "says"), EDITS)
def test_a_refused_value_names_the_rule_not_the_attribute(
    edit: tuple[str, str], says: str
) -> None:
    page = REFERENCE_TEXT.replace(*edit, 1)
    with pytest.raises(filmparse.FilmParseError) as caught:
        filmparse.parse(page)
    lenient = filmparse.parse(page, strict=False)
    messages = [caught.value.message, *(d.message for d in lenient.diagnostics)]
    assert len(messages) == 2
    for message in messages:
        assert message.startswith(says)
        assert "Attribute(" not in message and " at 0x" not in message
