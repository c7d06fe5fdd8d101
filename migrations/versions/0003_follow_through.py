"""follow-through: the day each recommendation was agreed; the co-chairs' verify comment

Stale recommendations (no news for 90 days) are counted from their latest progress
update, or from the day they were agreed when they have none. Existing agreed
recommendations take that day from their history.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('verified_comment', sa.Text(), nullable=True))
    day = "date(history.occurred_at)" if op.get_context().dialect.name == "sqlite" else "CAST(history.occurred_at AS DATE)"
    op.execute(
        f"UPDATE recommendations SET agreed_on = ("
        f" SELECT MIN({day}) FROM history"
        f" WHERE history.record_type = 'recommendation' AND history.record_id = recommendations.id"
        f" AND history.event = 'agree')"
        f" WHERE status != 'draft'"
    )


def downgrade():
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.drop_column('verified_comment')
        batch_op.drop_column('agreed_on')
