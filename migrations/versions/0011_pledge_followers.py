"""pledges: following a published pledge by e-mail

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 16:38:14

`pledge_followers` holds the addresses — of people with no account — that follow a pledge by
e-mail: one row per pledge and address (a unique constraint), confirmed when the address
opened its link (double opt-in), and the moment up to which its digests have sent the
pledge's actions. Deleted with the pledge; an address that stops following is deleted.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pledge_followers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('asked_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('sent_up_to', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], name=op.f('fk_pledge_followers_pledge_id_pledges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge_followers')),
    sa.UniqueConstraint('pledge_id', 'email', name=op.f('uq_pledge_followers_pledge_id_email'))
    )
    with op.batch_alter_table('pledge_followers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledge_followers_pledge_id'), ['pledge_id'], unique=False)



def downgrade():
    with op.batch_alter_table('pledge_followers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledge_followers_pledge_id'))

    op.drop_table('pledge_followers')
