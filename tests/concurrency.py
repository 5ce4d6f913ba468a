"""Real concurrency for tests: each job in its own thread with its own database connection."""

import threading

from django.core.exceptions import ValidationError
from django.db import connection


def run_at_once(jobs):
    """Run each job in its own thread, all released together by a barrier.

    Returns one outcome per job, in order: ("ok", its return value), ("refused", the
    ValidationError's code), or ("crashed", repr of any other exception), so a test sees a crash
    as an outcome instead of losing it in a thread.
    """
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = ("ok", job())
        except ValidationError as error:
            outcomes[index] = ("refused", error.code)
        except Exception as error:  # noqa: BLE001 - a crash is an outcome the test must see
            outcomes[index] = ("crashed", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
