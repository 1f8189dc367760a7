"""item business reason: a churn reason that names a business cause is no problem report

Revision ID: d5f0b2a83e17
Revises: c4e9a1f27d05
Create Date: 2026-12-06 18:55:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'd5f0b2a83e17'
down_revision: Union[str, Sequence[str], None] = 'c4e9a1f27d05'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema (items stored before keep counting as they did)."""
    with op.batch_alter_table('bridge_feedback_items') as batch:
        batch.add_column(
            sa.Column('business_reason', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('bridge_feedback_items') as batch:
        batch.drop_column('business_reason')
