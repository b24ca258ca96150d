"""The rules by which a session reuses a unit's result (:mod:`generator.incremental`), on a
story of plain values: the whole-site checks are in ``tests/test_incremental.py``."""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from typing import Any

from generator.incremental import ALL, ReadMap, Recorder, Session
from generator.link import Story


def _story(**people: Any) -> Story:
    story = Story()
    story.people = dict(people)
    return story


def _run(session: Session, story: Story, units: dict[str, Any]) -> dict[str, Any]:
    """Run each named unit (a function of the story view) once, as a regeneration does."""
    view = session.begin(story, "same surroundings")
    found = {name: session.unit(name, None, partial(f, view)) for name, f in units.items()}
    session.end()
    return found


def test_a_unit_is_made_again_only_when_a_value_it_read_changed():
    session = Session()
    units = {"ada": lambda s: s.people["ada"], "bob": lambda s: s.people.get("bob")}
    _run(session, _story(ada=1, bob=2), units)
    assert _run(session, _story(ada=1, bob=3), units) == {"ada": 1, "bob": 3}
    assert session.computed == {"bob"}
    assert session.reused == 1


def test_a_unit_that_went_through_a_whole_mapping_sees_an_added_key():
    session = Session()
    units = {"all": lambda s: sorted(s.people), "ada": lambda s: s.people["ada"]}
    _run(session, _story(ada=1), units)
    assert _run(session, _story(ada=1, cy=5), units) == {"all": ["ada", "cy"], "ada": 1}
    assert session.computed == {"all"}


def test_a_missing_key_that_appears_is_a_change():
    session = Session()
    units = {"cy": lambda s: "cy" in s.people}
    _run(session, _story(ada=1), units)
    assert _run(session, _story(ada=1, cy=2), units) == {"cy": True}


def test_other_surroundings_start_afresh():
    session = Session()
    units = {"ada": lambda s: s.people["ada"]}
    _run(session, _story(ada=1), units)
    session.begin(_story(ada=1), "other surroundings")
    assert session.unit("ada", None, lambda: "made again") == "made again"


def test_a_different_input_makes_the_unit_again():
    session = Session()
    session.begin(_story(), None)
    session.unit("page", ("title", 1), lambda: "first")
    session.end()
    session.begin(_story(), None)
    assert session.unit("page", ("title", 2), lambda: "second") == "second"


def test_units_inside_a_reused_unit_are_kept_and_their_reads_count_for_the_outer_one():
    session = Session()

    def outer(view: Story) -> list[Any]:
        return [session.unit(("inner", k), None, partial(view.people.get, k)) for k in ("a", "b")]

    _run(session, _story(a=1, b=2), {"outer": outer})
    _run(session, _story(a=1, b=2), {"outer": outer})  # reused whole: inner units kept
    assert session.computed == set()
    assert session.reused == 3
    # b changes: the outer unit and ("inner", "b") are made again, ("inner", "a") is reused
    assert _run(session, _story(a=1, b=9), {"outer": outer}) == {"outer": [1, 9]}
    assert session.computed == {"outer", ("inner", "b")}
    # a changes: the outer unit read it through a reused inner unit, and must see it
    assert _run(session, _story(a=7, b=9), {"outer": outer}) == {"outer": [7, 9]}
    assert session.computed == {"outer", ("inner", "a")}


def test_a_mapping_made_during_the_run_counts_as_changed_only_until_it_is_made():
    """A unit judged before ``titles`` is made this run (a plan of pages, made first) sees it
    all changed; the units after it see only what really changed in it."""
    session = Session()

    def run(titles: dict[str, str]) -> dict[str, Any]:
        view = session.begin(_story(a=1), "same surroundings")
        found = {"early": session.unit("early", None, lambda: view.people["a"])}
        watched = session.watch("titles", titles)
        for key in ("x", "y"):
            found[key] = session.unit(key, None, partial(watched.__getitem__, key))
        session.end()
        return found

    run({"x": "X", "y": "Y"})
    assert run({"x": "X", "y": "Y2"}) == {"early": 1, "x": "X", "y": "Y2"}
    assert session.computed == {"y"}, "x's title is the same: reused"


def test_a_read_view_of_a_defaultdict_never_stores_a_key():
    data: defaultdict[str, list[int]] = defaultdict(list)
    recorder = Recorder()
    view = ReadMap("quotes_of", data, recorder)
    with recorder.unit() as reads:
        assert view["nobody"] == []
        assert list(view) == []
    assert dict(data) == {}
    assert reads == {("quotes_of", "nobody"), ("quotes_of", ALL)}


def test_a_failed_run_forgets_everything():
    session = Session()
    _run(session, _story(a=1), {"a": lambda s: s.people["a"]})
    session.reset()
    session.begin(_story(a=1), "same surroundings")
    assert session.unit("a", None, lambda: "made again") == "made again"
