"""kit tables

Revision ID: aa5fed6422fa
Revises: 
Create Date: 2026-11-22 21:04:27.507369

"""
from typing import Sequence, Union

from banso_kit.kit_schema import create_v1, drop_v1


# revision identifiers, used by Alembic.
revision: str = 'aa5fed6422fa'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """The kit's tables: consumer offsets, outbox, processed event ids."""
    create_v1()


def downgrade() -> None:
    drop_v1()
