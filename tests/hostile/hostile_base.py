"""The small, valid story every hostile case is written into: one record of each collection.

A case replaces or adds files under ``content/``; everything it does not touch stays valid, so
the only problems a run reports are the ones the case causes.
"""

from __future__ import annotations

BASE: dict[str, str] = {
    "people/ada-lovelace.yml": (
        "name: Ada Lovelace\nrole: Analyst\ncountry: GB\nsources: [notes]\n"
    ),
    "people/charles-babbage.yml": "name: Charles Babbage\nrole: Inventor\ncountry: GB\n",
    "sources/notes.yml": (
        "title: Notes on the Analytical Engine\npublisher: Taylor's Scientific Memoirs\n"
        "url: https://example.org/notes\npublished: 1843\nkind: article\n"
    ),
    "meetings/first-meeting.yml": (
        "title: Lovelace meets Babbage\ndate: 1833-06-05\nlocation: London\n"
        "participants: [ada-lovelace, charles-babbage]\nsummary: They meet at a party.\n"
        "topics: [engines]\nsources: [notes]\n"
    ),
    "events/engine-demo.yml": (
        "title: Difference engine shown\ndate: 1833-06\npeople: [charles-babbage]\n"
        "summary: A working section is shown.\nsources: [notes]\n"
    ),
    "quotes/poetical-science.yml": (
        "speaker: ada-lovelace\ntext: The engine weaves algebraic patterns.\ndate: 1843\n"
        "meeting: first-meeting\nsource: notes\n"
    ),
    "topics/engines.yml": "title: Engines\nsummary: Calculating machines.\n",
    "claims/engine-finished.yml": (
        "title: Was the engine finished?\nstatus: disputed\nsummary: Accounts differ.\n"
        "positions:\n"
        "  - by: ada-lovelace\n    says: It weaves patterns.\n    quote: poetical-science\n"
        "    source: notes\n    date: 1843\n"
        "  - party: The Royal Society\n    says: It was never finished.\n    source: notes\n"
        "topics: [engines]\nmeeting: first-meeting\n"
    ),
}
