"""feedback item author: who logged a CSM note (the console's user)

Revision ID: 8b4f2c6d1e3a
Revises: 7b3e5f1a9c20
Create Date: 2026-12-06 14:40:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '8b4f2c6d1e3a'
down_revision: Union[str, Sequence[str], None] = '7b3e5f1a9c20'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('bridge_feedback_items') as batch:
        batch.add_column(
            sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('bridge_feedback_items') as batch:
        batch.drop_column('author')
