"""public register: the data version behind HTTP validators; an index for "newest first"

Public pages and the API answer conditional requests (ETag, Last-Modified) from one
number that moves on with every committed change (tracker/data_version.py).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    data_version = op.create_table(
        'data_version',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('number', sa.BigInteger(), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_data_version_single_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version')),
    )
    op.execute(data_version.insert().values(id=1, number=1, changed_at=sa.func.current_timestamp()))
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledges_published_at'), ['published_at'], unique=False)


def downgrade():
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledges_published_at'))
    op.drop_table('data_version')
