"""Bansō's common language: event models, the CloudEvents envelope, the topic registry and codec.

Every service and the kit import this package; nothing else is shared between services.

- :mod:`banso_contracts.events`: one pydantic model per event type and version.
- :mod:`banso_contracts.envelope`: the CloudEvents 1.0 envelope carried as Kafka headers.
- :mod:`banso_contracts.topics`: the topic registry (name, key, events, partitions, retention).
- :mod:`banso_contracts.codec`: ``encode`` / ``decode`` between events and Kafka records.
- :mod:`banso_contracts.compat`: the backward/forward compatibility check between two schemas.
- ``python -m banso_contracts.schemagen``: writes ``schemas/*.json`` and ``asyncapi.yaml``.
"""

from banso_contracts.errors import ContractError

__all__ = ["ContractError"]
