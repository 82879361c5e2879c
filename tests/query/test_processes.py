"""What every engine process shares: the pause before a dead process is started again."""

from __future__ import annotations

from service.query import processes


def test_backoff_doubles_while_processes_die_young_and_resets_once_one_lives() -> None:
    backoff = processes.Backoff(stable_pause=0.0)
    young = [backoff.after(1.0) for _ in range(9)]
    assert young == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0]
    assert backoff.after(processes.STABLE_SECONDS) == 0.0
    assert backoff.after(1.0) == processes.RESTART_DELAY
