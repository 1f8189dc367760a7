"""goal sightings: usage events kept for the longest goal window (event-time attribution)

Revision ID: 5c1f0e7a9d21
Revises: d1a7e0c4b204
Create Date: 2026-12-06 07:55:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel



# revision identifiers, used by Alembic.
revision: str = '5c1f0e7a9d21'
down_revision: Union[str, Sequence[str], None] = 'd1a7e0c4b204'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('goal_sightings',
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('account_id', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
    sa.PrimaryKeyConstraint('workspace_id', 'account_id', 'user_id', 'event', 'occurred_at')
    )
    with op.batch_alter_table('goal_sightings', schema=None) as batch_op:
        batch_op.create_index('ix_goal_sightings_age', ['workspace_id', 'occurred_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('goal_sightings', schema=None) as batch_op:
        batch_op.drop_index('ix_goal_sightings_age')

    op.drop_table('goal_sightings')
