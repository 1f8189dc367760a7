"""theme praise: a theme that gathers praise, listed on the board but never ticketed

Revision ID: c4e9a1f27d05
Revises: 8b4f2c6d1e3a
Create Date: 2026-12-06 17:50:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'c4e9a1f27d05'
down_revision: Union[str, Sequence[str], None] = '8b4f2c6d1e3a'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('bridge_themes') as batch:
        batch.add_column(
            sa.Column('praise', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('bridge_themes') as batch:
        batch.drop_column('praise')
