"""Helpers every service's tests share: waiting for asynchronous work (`waiting`), producing and
reading Kafka topics (`kafka`), running a service's app in the test's event loop (`service`),
clocks the test sets (`clocks`), and real HTTP and SMTP servers on loopback (`http`, `smtp`).

Each service's own `tests/<service>/service/support.py` keeps only what is particular to it
(its settings for tests, its event builders, what it publishes).
"""
