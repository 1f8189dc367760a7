"""theme held back: why a theme that reached the ticket threshold has no ticket

Revision ID: f2b8c5d7a1e4
Revises: e6a2d9c4f318
Create Date: 2026-12-07 09:40:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'f2b8c5d7a1e4'
down_revision: Union[str, Sequence[str], None] = 'e6a2d9c4f318'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('bridge_themes') as batch:
        batch.add_column(sa.Column('held_back', sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('bridge_themes') as batch:
        batch.drop_column('held_back')
