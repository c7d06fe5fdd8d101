"""follower language

Someone following a pledge by e-mail gets its digests in the language of the page they
asked from (none: English, as before).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 02:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pledge_followers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('pledge_followers', schema=None) as batch_op:
        batch_op.drop_column('language')
