"""sign-in failures (rate limiting per account and client address)

Revision ID: b7c1d2e3f4a5
Revises: 942b698eb54e
Create Date: 2026-12-06 08:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = 'b7c1d2e3f4a5'
down_revision: Union[str, Sequence[str], None] = '942b698eb54e'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('console_sign_in_failures',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('console_sign_in_failures')
