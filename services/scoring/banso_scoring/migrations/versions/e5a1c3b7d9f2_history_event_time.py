"""scoring history in event time: ``at`` (when the health held), ``recorded_at`` (when it was
evaluated, the former ``computed_at``) and ``revised``

Revision ID: e5a1c3b7d9f2
Revises: c4d2e7a91b05
Create Date: 2026-12-06 08:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'e5a1c3b7d9f2'
down_revision: Union[str, Sequence[str], None] = 'c4d2e7a91b05'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: entries recorded before this version were stamped with their arrival,
    the best event time known for them."""
    op.drop_index('ix_scoring_history_account', table_name='scoring_health_history')
    with op.batch_alter_table('scoring_health_history') as batch:
        batch.alter_column('computed_at', new_column_name='recorded_at')
        batch.add_column(sa.Column('at', sa.Float(), nullable=True))
        batch.add_column(
            sa.Column('revised', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute('UPDATE scoring_health_history SET at = recorded_at')
    with op.batch_alter_table('scoring_health_history') as batch:
        batch.alter_column('at', existing_type=sa.Float(), nullable=False)
    op.create_index(
        'ix_scoring_history_at',
        'scoring_health_history',
        ['workspace_id', 'account_id', 'at', 'id'],
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_scoring_history_at', table_name='scoring_health_history')
    with op.batch_alter_table('scoring_health_history') as batch:
        batch.drop_column('revised')
        batch.drop_column('at')
        batch.alter_column('recorded_at', new_column_name='computed_at')
    op.create_index(
        'ix_scoring_history_account',
        'scoring_health_history',
        ['workspace_id', 'account_id', 'computed_at'],
    )
