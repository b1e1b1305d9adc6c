"""time_alternating: candidates in turns, each timed call after its own settling calls."""
from engine.benchmark import time_alternating


def _recording(calls, name):
    return lambda: calls.append(name)


def test_each_timed_call_follows_settling_calls_of_the_same_candidate():
    calls = []
    timings = time_alternating({'a': _recording(calls, 'a'), 'b': _recording(calls, 'b')},
                               warmup=1, runs=3, settle=2)
    assert calls == ['a', 'b'] + ['a', 'a', 'a', 'b', 'b', 'b'] * 3
    assert [len(timings[name].seconds) for name in 'ab'] == [3, 3]


def test_without_settling_the_candidates_alternate_call_by_call():
    calls = []
    time_alternating({'a': _recording(calls, 'a'), 'b': _recording(calls, 'b')},
                     warmup=0, runs=2, settle=0)
    assert calls == ['a', 'b', 'a', 'b']
