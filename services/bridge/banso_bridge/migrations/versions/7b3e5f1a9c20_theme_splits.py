"""theme splits: items a product manager split off into a new theme

Revision ID: 7b3e5f1a9c20
Revises: d1a7e0c4b203
Create Date: 2026-12-06 14:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '7b3e5f1a9c20'
down_revision: Union[str, Sequence[str], None] = 'd1a7e0c4b203'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('bridge_theme_splits',
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('split_from', sa.Integer(), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True),
    sa.Column('split_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('workspace_id', 'theme_id')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('bridge_theme_splits')
