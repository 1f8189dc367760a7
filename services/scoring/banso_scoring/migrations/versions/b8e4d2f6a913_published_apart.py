"""scoring accounts: the last published health and published scores in a table of their own,
written only on publication (SQLite rewrote the several-KB health with every evaluated row)

Revision ID: b8e4d2f6a913
Revises: a7c3e9d1f4b6
Create Date: 2026-12-07 09:10:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'b8e4d2f6a913'
down_revision: Union[str, Sequence[str], None] = 'a7c3e9d1f4b6'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

KEY = ('workspace_id', 'account_id')


def upgrade() -> None:
    """Upgrade schema: create the table, move every published health into it, drop the
    columns."""
    op.create_table(
        'scoring_account_published',
        sa.Column('workspace_id', sa.String(length=256), nullable=False),
        sa.Column('account_id', sa.String(length=256), nullable=False),
        sa.Column('published', sa.LargeBinary(), nullable=False),
        sa.Column('recent_scores', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('workspace_id', 'account_id'),
    )
    op.execute(
        'INSERT INTO scoring_account_published'
        ' (workspace_id, account_id, published, recent_scores)'
        ' SELECT workspace_id, account_id, published, recent_scores FROM scoring_accounts'
        ' WHERE published IS NOT NULL'
    )
    with op.batch_alter_table('scoring_accounts') as batch:
        batch.drop_column('recent_scores')
        batch.drop_column('published')


def downgrade() -> None:
    """Downgrade schema: the columns back, filled from the table, which is dropped."""
    with op.batch_alter_table('scoring_accounts') as batch:
        batch.add_column(sa.Column('published', sa.LargeBinary(), nullable=True))
        batch.add_column(
            sa.Column('recent_scores', sa.Text(), nullable=False, server_default='[]')
        )
    op.execute(
        'UPDATE scoring_accounts SET'
        ' published = (SELECT p.published FROM scoring_account_published p'
        '  WHERE p.workspace_id = scoring_accounts.workspace_id'
        '  AND p.account_id = scoring_accounts.account_id),'
        ' recent_scores = COALESCE((SELECT p.recent_scores FROM scoring_account_published p'
        '  WHERE p.workspace_id = scoring_accounts.workspace_id'
        '  AND p.account_id = scoring_accounts.account_id), \'[]\')'
    )
    op.drop_table('scoring_account_published')
