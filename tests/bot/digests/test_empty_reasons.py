"""An empty digest names its true reason first; the weekend is context, never the excuse."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from tests.bot.digests.test_scheduled_digests import GENERAL, Clock, World, at

SATURDAY = at(2026, 11, 21, 9, 0)
WEEKEND = "do not publish at weekends"


def _preview(world: World) -> str:
    return world.run(GENERAL, "digest preview")


def test_everything_already_posted_is_said_before_the_weekend(library: Engine) -> None:
    clock = Clock(at(2026, 11, 20, 9, 0))  # Friday
    world = World(library, clock)
    world.run(GENERAL, "subscribe prescriptive scaling laws")
    world.run(GENERAL, "settings window all max 10")
    assert world.run(GENERAL, "digest").startswith("Posted")
    clock.now = SATURDAY
    reply = world.run(GENERAL, "digest")
    assert reply.startswith("Nothing new to post. Every matching paper has been posted here")
    assert reply.endswith(f"{WEEKEND}.")


def test_a_window_that_leaves_out_the_library_says_so_and_how_to_widen_it(
    library: Engine,
) -> None:
    world = World(library, Clock(SATURDAY))
    world.run(GENERAL, "subscribe scaling")  # default window: 14 days; the sample is older
    text = _preview(world)
    assert "No paper matching these topics is from the last 14 days (the newest is from" in text
    assert "`/papers settings window all` looks further back." in text
    assert text.index("last 14 days") < text.index(WEEKEND)


def test_nothing_matching_at_all_is_not_blamed_on_the_window(library: Engine) -> None:
    world = World(library, Clock(SATURDAY))
    world.run(GENERAL, "subscribe zzyzx quokka")
    text = _preview(world)
    assert "No stored paper matches these topics yet." in text
    assert "window" not in text


def test_on_a_weekday_nothing_is_said_about_weekends(library: Engine) -> None:
    world = World(library, Clock(at(2026, 11, 23, 9, 0)))  # Monday
    world.run(GENERAL, "subscribe scaling")
    text = _preview(world)
    assert "last 14 days" in text and WEEKEND not in text
