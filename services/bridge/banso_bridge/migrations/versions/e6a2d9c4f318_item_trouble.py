"""item trouble: a CSM's note or an NPS comment whose words tell of trouble is a problem report

Revision ID: e6a2d9c4f318
Revises: d5f0b2a83e17
Create Date: 2026-12-07 03:10:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'e6a2d9c4f318'
down_revision: Union[str, Sequence[str], None] = 'd5f0b2a83e17'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema (items stored before keep counting as they did)."""
    with op.batch_alter_table('bridge_feedback_items') as batch:
        batch.add_column(
            sa.Column('trouble', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('bridge_feedback_items') as batch:
        batch.drop_column('trouble')
