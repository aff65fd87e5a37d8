"""The web server's memo: each key worked out once, even by threads asking together."""

import threading
import time

from service.memo import Memo


def test_threads_asking_together_compute_a_key_once():
    calls = []

    def slow(key):
        calls.append(key)
        time.sleep(0.05)
        return key * 2

    memo = Memo(slow, size=4)
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(memo(21))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [42] * 8
    assert calls == [21]


def test_the_least_recently_used_key_is_dropped_when_full():
    calls = []
    memo = Memo(lambda key: calls.append(key) or key, size=2)
    memo(1), memo(2), memo(1), memo(3)  # 2 is now the least recently used
    memo(1), memo(3), memo(2)
    assert calls == [1, 2, 3, 2]


def test_a_failure_is_not_remembered():
    attempts = []

    def flaky(key):
        attempts.append(key)
        if len(attempts) == 1:
            raise RuntimeError("database busy")
        return "ok"

    memo = Memo(flaky, size=2)
    try:
        memo("a")
    except RuntimeError:
        pass
    assert memo("a") == "ok"
    assert attempts == ["a", "a"]
