"""organisations proposed by staff

Staff may propose an organisation by name in the pledge editor; it is unconfirmed
until an admin checks it. Existing organisations are confirmed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 15:09:52.514207

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('confirmed')
