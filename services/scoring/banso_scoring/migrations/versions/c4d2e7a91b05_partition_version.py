"""scoring partitions carry a version that fences every round's write

Revision ID: c4d2e7a91b05
Revises: 8b0e1f8ff3d3
Create Date: 2026-12-06 05:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'c4d2e7a91b05'
down_revision: Union[str, Sequence[str], None] = '8b0e1f8ff3d3'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('scoring_partitions') as batch:
        batch.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('scoring_partitions') as batch:
        batch.drop_column('version')
