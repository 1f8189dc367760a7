"""scoring accounts: a small progress column (days closed, lateness reference), written on
its own when a day's close moves only that, instead of the whole aggregate header

Revision ID: a7c3e9d1f4b6
Revises: f3b9a2c6e810
Create Date: 2026-12-06 18:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'a7c3e9d1f4b6'
down_revision: Union[str, Sequence[str], None] = 'f3b9a2c6e810'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema (rows without it read the same fields from the header, as before)."""
    with op.batch_alter_table('scoring_accounts') as batch:
        batch.add_column(sa.Column('progress', sa.Text(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('scoring_accounts') as batch:
        batch.drop_column('progress')
