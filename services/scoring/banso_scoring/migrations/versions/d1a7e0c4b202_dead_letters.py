"""kit dead_letters table (banso dlq)

Revision ID: d1a7e0c4b202
Revises: e5a1c3b7d9f2
Create Date: 2026-12-06 08:00:00.000000

"""
from typing import Sequence, Union

from banso_kit.kit_schema import create_dead_letters_v2, drop_dead_letters_v2


# revision identifiers, used by Alembic.
revision: str = 'd1a7e0c4b202'
down_revision: Union[str, Sequence[str], None] = 'e5a1c3b7d9f2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """What the service gave up on, until an operator replays or discards it."""
    create_dead_letters_v2()


def downgrade() -> None:
    drop_dead_letters_v2()
