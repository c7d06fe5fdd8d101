"""account language

Each account may name the language its owner reads the tracker and its e-mails in
(tracker/core/i18n.py); none means as their browser asks.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 22:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
