"""pledge signatories: consent (signed, invited, declined)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:50:00

An organisation named on a pledge by another's staff is invited until its own staff accept
(or decline). Every organisation already on a pledge keeps its signature ("signed", the
default): nothing the register showed yesterday disappears. The lead is always one that
signed (a check constraint).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pledge_signatories', schema=None) as batch_op:
        # (The model's Enum column: a VARCHAR and its CHECK, made explicitly, as add_column
        # does not make an Enum's CHECK on every engine.)
        batch_op.add_column(sa.Column('status', sa.String(length=8), server_default='signed', nullable=False))
        batch_op.add_column(sa.Column('invited_to_lead', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('invited_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('invited_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('answer_note', sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_pledge_signatories_invited_by_id_users'), 'users', ['invited_by_id'], ['id']
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_pledge_signatories_signatory_status'), "status IN ('signed', 'invited', 'declined')"
        )
        batch_op.create_check_constraint(batch_op.f('ck_pledge_signatories_lead_signed'), "NOT is_lead OR status = 'signed'")


def downgrade():
    with op.batch_alter_table('pledge_signatories', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_pledge_signatories_lead_signed'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_pledge_signatories_signatory_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_pledge_signatories_invited_by_id_users'), type_='foreignkey')
        batch_op.drop_column('answer_note')
        batch_op.drop_column('answered_at')
        batch_op.drop_column('invited_at')
        batch_op.drop_column('invited_by_id')
        batch_op.drop_column('invited_to_lead')
        batch_op.drop_column('status')
