"""theme merges: why themes were merged, and what undoing one restores

Revision ID: 5d2c7a9e41b0
Revises: 3780fd1bac29
Create Date: 2026-12-06 07:45:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '5d2c7a9e41b0'
down_revision: Union[str, Sequence[str], None] = '3780fd1bac29'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('bridge_theme_merges',
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('merged', sa.Integer(), nullable=False),
    sa.Column('survivor', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('similarity', sa.Float(), nullable=True),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('merged_at', sa.Float(), nullable=False),
    sa.Column('undone_at', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('workspace_id', 'merged')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('bridge_theme_merges')
