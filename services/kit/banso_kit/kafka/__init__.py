"""Kafka adapters shared by the services: producer, consumer with offsets in the database, admin."""
