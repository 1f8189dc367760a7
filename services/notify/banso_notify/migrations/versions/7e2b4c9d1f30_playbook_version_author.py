"""playbook versions: who made each one

Revision ID: 7e2b4c9d1f30
Revises: 5c1f0e7a9d21
Create Date: 2026-12-06 11:20:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel



# revision identifiers, used by Alembic.
revision: str = '7e2b4c9d1f30'
down_revision: Union[str, Sequence[str], None] = '5c1f0e7a9d21'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('playbook_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('playbook_versions', schema=None) as batch_op:
        batch_op.drop_column('created_by')
