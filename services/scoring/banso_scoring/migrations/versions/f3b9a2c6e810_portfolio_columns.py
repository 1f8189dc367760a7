"""scoring accounts: the portfolio's columns (name, plan, arr, csm, renewal_at, seats, trend),
backfilled from each account's stored aggregate and published scores

Revision ID: f3b9a2c6e810
Revises: d1a7e0c4b202
Create Date: 2026-12-06 12:30:00.000000

"""
import json
from typing import Any, Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'f3b9a2c6e810'
down_revision: Union[str, Sequence[str], None] = 'd1a7e0c4b202'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TRAITS = ('name', 'plan', 'arr', 'csm', 'renewal_at', 'seats')
SECONDS_PER_WEEK = 7 * 86_400
BATCH = 500


def _trend(score: Any, at: Any, recent: list[list[float]]) -> float | None:
    # As banso_scoring.domain.portfolio.trend_of, frozen here with this revision.
    if score is None or at is None:
        return None
    before = [float(s) for t, s in recent if float(t) <= at - SECONDS_PER_WEEK]
    return None if not before else round(score - before[-1], 1)


def upgrade() -> None:
    """Upgrade schema: add the columns, then fill them account by account."""
    with op.batch_alter_table('scoring_accounts') as batch:
        batch.add_column(sa.Column('name', sa.Text(), nullable=True))
        batch.add_column(sa.Column('plan', sa.Text(), nullable=True))
        batch.add_column(sa.Column('arr', sa.Float(), nullable=True))
        batch.add_column(sa.Column('csm', sa.Text(), nullable=True))
        batch.add_column(sa.Column('renewal_at', sa.Float(), nullable=True))
        batch.add_column(sa.Column('seats', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('trend', sa.Float(), nullable=True))
    op.create_index(
        'ix_scoring_accounts_renewal', 'scoring_accounts', ['workspace_id', 'renewal_at']
    )
    accounts = sa.table(
        'scoring_accounts',
        sa.column('workspace_id', sa.String()),
        sa.column('account_id', sa.String()),
        sa.column('aggregate', sa.LargeBinary()),
        sa.column('score', sa.Float()),
        sa.column('evaluated_at', sa.Float()),
        sa.column('recent_scores', sa.Text()),
        *(sa.column(name) for name in TRAITS),
        sa.column('trend', sa.Float()),
    )
    update = (
        sa.update(accounts)
        .where(
            accounts.c.workspace_id == sa.bindparam('b_ws'),
            accounts.c.account_id == sa.bindparam('b_account'),
        )
        .values({name: sa.bindparam(name) for name in (*TRAITS, 'trend')})
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            accounts.c.workspace_id,
            accounts.c.account_id,
            accounts.c.aggregate,
            accounts.c.score,
            accounts.c.evaluated_at,
            accounts.c.recent_scores,
        )
    ).all()
    values = []
    for row in rows:
        traits = json.loads(row.aggregate).get('traits') or {}
        values.append(
            {
                'b_ws': row.workspace_id,
                'b_account': row.account_id,
                **{name: traits.get(name) for name in TRAITS},
                'trend': _trend(row.score, row.evaluated_at, json.loads(row.recent_scores)),
            }
        )
    for start in range(0, len(values), BATCH):
        connection.execute(update, values[start : start + BATCH])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_scoring_accounts_renewal', table_name='scoring_accounts')
    with op.batch_alter_table('scoring_accounts') as batch:
        for name in ('trend', *reversed(TRAITS)):
            batch.drop_column(name)
