"""dedupe ledger: a claim row per messageId, one published row per request

Revision ID: 7c3e9b1f5a20
Revises: d1a7e0c4b201
Create Date: 2026-12-07 00:00:00.000000

Published entries are kept: each becomes a claim under token 0, which is confirmed, dated so that
it stays known exactly as long as before (claimed_at = old expiry - the dedupe window, read from
INGEST_DEDUPE_WINDOW_S as the service reads it). Pending entries (leases of requests in flight
while the service was stopped for the upgrade) are dropped: those ids become claimable at once,
as they would have when their lease ran out.
"""
import os
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '7c3e9b1f5a20'
down_revision: Union[str, Sequence[str], None] = 'd1a7e0c4b201'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

MIGRATED_TOKEN = 0


def _window_ms() -> int:
    return int(os.environ.get("INGEST_DEDUPE_WINDOW_S", 24 * 60 * 60)) * 1000


def upgrade() -> None:
    """Claims keep their token and time; success is recorded once per request."""
    op.rename_table('dedupe_ledger', 'dedupe_ledger_before')
    op.create_table('dedupe_ledger',
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('claim_token', sa.BigInteger(), nullable=False),
    sa.Column('claimed_at_ms', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('source_id', 'message_id', name='pk_dedupe_ledger_claims')
    )
    op.create_index('ix_dedupe_ledger_claimed_at_ms', 'dedupe_ledger', ['claimed_at_ms'])
    op.create_table('dedupe_published',
    sa.Column('claim_token', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('published_at_ms', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('claim_token')
    )
    op.create_index('ix_dedupe_published_published_at_ms', 'dedupe_published', ['published_at_ms'])
    params = {"token": MIGRATED_TOKEN, "window": _window_ms()}
    op.execute(sa.text(
        "INSERT INTO dedupe_ledger (source_id, message_id, workspace_id, claim_token, claimed_at_ms) "
        "SELECT source_id, message_id, workspace_id, :token, expires_at_ms - :window "
        "FROM dedupe_ledger_before WHERE published"
    ).bindparams(**params))
    # Dated like the newest migrated entry, so the sweep removes it after the last of them.
    op.execute(sa.text(
        "INSERT INTO dedupe_published (claim_token, published_at_ms) "
        "SELECT :token, COALESCE(MAX(expires_at_ms) - :window, 0) FROM dedupe_ledger_before"
    ).bindparams(**params))
    op.drop_index('ix_dedupe_ledger_expires_at_ms', table_name='dedupe_ledger_before')
    op.drop_table('dedupe_ledger_before')


def downgrade() -> None:
    """Back to one row per messageId with its own state; pending claims are dropped again."""
    op.rename_table('dedupe_ledger', 'dedupe_ledger_after')
    op.create_table('dedupe_ledger',
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('claim_token', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('expires_at_ms', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('source_id', 'message_id')
    )
    op.create_index('ix_dedupe_ledger_expires_at_ms', 'dedupe_ledger', ['expires_at_ms'])
    op.execute(sa.text(
        "INSERT INTO dedupe_ledger "
        "(source_id, message_id, workspace_id, claim_token, published, expires_at_ms) "
        "SELECT l.source_id, l.message_id, l.workspace_id, 'migrated', true, "
        "l.claimed_at_ms + :window FROM dedupe_ledger_after l "
        "JOIN dedupe_published p ON p.claim_token = l.claim_token"
    ).bindparams(window=_window_ms()))
    op.drop_index('ix_dedupe_ledger_claimed_at_ms', table_name='dedupe_ledger_after')
    op.drop_table('dedupe_ledger_after')
    op.drop_index('ix_dedupe_published_published_at_ms', table_name='dedupe_published')
    op.drop_table('dedupe_published')
