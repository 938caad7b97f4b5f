"""The time-left estimate of a long run: the average pace so far, paused time left out, nothing said
until the run has gone on for a little while."""
from __future__ import annotations

from app.time_left import TimeLeft, duration


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_time_left_from_the_pace_so_far_without_the_pauses():
    clock = Clock()
    left = TimeLeft(settle=2.0, clock=clock)
    left.start()
    clock.now += 1.0
    assert left.seconds(10, 100) is None and left.text(10, 100) == ""  # too early to say
    clock.now += 3.0  # 4 s for 40 steps: 0.1 s a step
    assert left.seconds(40, 100) == 6.0
    left.pause()
    clock.now += 50.0  # paused: the clock stands
    left.resume()
    clock.now += 1.0
    assert left.elapsed == 5.0 and left.seconds(50, 100) == 5.0
    assert left.text(50, 100) == "about 5 s left"
    left.start(done=50)  # started again from step 50 (e.g. more epochs added): only new steps count
    clock.now += 4.0
    assert left.seconds(70, 100) == 6.0


def test_durations_are_rounded_so_that_they_do_not_flicker():
    assert [duration(s) for s in (0.4, 8.4, 43, 47.6, 200, 204, 1500, 4000)] == [
        "1 s", "8 s", "45 s", "50 s", "3 min 20 s", "3 min 20 s", "25 min", "1 h 07 min"]
    assert duration(float("nan")) == "–"
