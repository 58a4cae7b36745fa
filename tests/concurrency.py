"""Real concurrency for the tests that commit: start calls at the same moment."""

import threading

from django.db import connections


def run_in_threads(calls, timeout: float = 60) -> list:
    """Start every call at the same moment, each in its own thread and database connection;
    return their results (in the order they finished)."""
    barrier = threading.Barrier(len(calls))
    results = []

    def worker(call):
        try:
            barrier.wait()
            results.append(call())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
