"""users: whether their identify arrived (an identify may carry no traits)

Revision ID: 9a4e2f6b1c58
Revises: 7e2b4c9d1f30
Create Date: 2026-12-07 15:20:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision: str = '9a4e2f6b1c58'
down_revision: Union[str, Sequence[str], None] = '7e2b4c9d1f30'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('identified', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Every identify so far set signed_up_at (from its created_at trait, else its time), and
    # nothing else does: the people who have it are the people whose identify arrived.
    users = sa.table(
        'users', sa.column('identified', sa.Boolean()), sa.column('signed_up_at', sa.DateTime())
    )
    op.execute(
        users.update().where(users.c.signed_up_at.is_not(None)).values(identified=sa.true())
    )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('identified')
