"""The benchmark (``make bench``): the platform under gunicorn against a floor view.

Nothing here is imported by the platform itself; ``bench.settings`` mounts the floor
view next to the real URLs only for the benchmark's server.
"""
