"""mail language

Each outgoing e-mail is written, when sent, in the language of its recipient: the
account's choice, or the language of the page someone without an account asked from.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 22:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('language')
