"""The stack's restart policy: quick deaths wait 1, 2, 4… s (up to 30), a long run resets it."""

import sys

from project.stack import Part, Stack


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _dies_at_once() -> Part:
    return Part("flaky", [sys.executable, "-c", "raise SystemExit(3)"])


def _died(stack: Stack, part: Part) -> None:
    part.process.wait(timeout=30)
    stack.supervise_once()


def test_a_part_that_keeps_dying_waits_longer_each_time_up_to_thirty_seconds():
    clock = Clock()
    stack = Stack(clock=clock)
    part = _dies_at_once()
    stack.start(part)
    delays = []
    for _ in range(7):
        _died(stack, part)
        delays.append(part.restart_at - clock.now)
        clock.now = part.restart_at
        stack.supervise_once()  # due: started again
    assert delays == [1, 2, 4, 8, 16, 30, 30]
    assert part.restarts == 7
    part.process.wait(timeout=30)


def test_a_part_that_ran_for_a_minute_before_dying_is_restarted_after_one_second():
    clock = Clock()
    stack = Stack(clock=clock)
    part = _dies_at_once()
    stack.start(part)
    for _ in range(3):
        _died(stack, part)
        clock.now = part.restart_at
        stack.supervise_once()
    clock.now += 61  # this run lasted over a minute
    _died(stack, part)
    assert part.restart_at - clock.now == 1
    clock.now = part.restart_at
    stack.supervise_once()
    part.process.wait(timeout=30)


def test_a_part_waiting_for_its_restart_is_not_started_early():
    clock = Clock()
    stack = Stack(clock=clock)
    part = _dies_at_once()
    first = stack.start(part)
    _died(stack, part)
    clock.now += 0.5
    stack.supervise_once()
    assert part.process is first and part.restarts == 0
