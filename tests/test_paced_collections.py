"""workflows.paced_collections: the collector's pace while a long job runs, put back after it."""

from __future__ import annotations

import gc
import threading

import pytest

from workflows.paced_collections import PACE, paced_collections


@pytest.fixture(autouse=True)
def default_pace():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_the_pace_holds_while_the_job_runs_and_is_put_back_even_on_an_error():
    with pytest.raises(RuntimeError), paced_collections():
        assert gc.get_threshold() == PACE
        raise RuntimeError
    assert gc.get_threshold() == (700, 10, 10)


def test_jobs_side_by_side_share_it_until_the_last_one_ends():
    first_in, second_done, seen = threading.Event(), threading.Event(), []

    def second():
        first_in.wait()
        with paced_collections():
            seen.append(gc.get_threshold())
        second_done.set()

    thread = threading.Thread(target=second)
    thread.start()
    with paced_collections():
        first_in.set()
        second_done.wait(10)
        seen.append(gc.get_threshold())  # the second job ended: still paced for this one
    thread.join()
    assert seen == [PACE, PACE]
    assert gc.get_threshold() == (700, 10, 10)
