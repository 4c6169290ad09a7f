"""What counts as a web address: one rule for a document's ``url`` fields, a configured
feed's ``url`` and ``--feed URL``, so that what one accepts the others accept too."""

from __future__ import annotations

import re

# http(s), a host, and no white space, quotes or angle brackets anywhere: a URL that
# could break out of a Markdown autolink or a terminal hyperlink is not a URL.
URL_RE = re.compile(r"https?://[^\s/?#<>\"'`\\]+[^\s<>\"'`\\]*\Z", re.IGNORECASE)


def is_web_url(text: str) -> bool:
    """Whether ``text`` is, whole, an http or https URL by the rule above."""
    return URL_RE.match(text) is not None
