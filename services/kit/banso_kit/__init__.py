"""Bansō kit: the small shared runtime every service stands on.

Generic only: settings, database, Kafka producer/consumer with offsets stored in the service's own
database, the transactional outbox, dead letters, auth tokens, errors, health, metrics and logging.
Domain logic never lives here.
"""
