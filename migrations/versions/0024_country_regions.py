"""country regions

Each country is in one of the UN M49 regions of the world (Africa, the Americas, Asia,
Europe, Oceania), given by its ISO code; the public charts and lists count pledges by it.
Countries already kept get theirs from their codes; named regions wait for an admin.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 01:40:00

"""
from alembic import op
import sqlalchemy as sa

from tracker.taxonomy.regions import region_of


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('countries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region', sa.String(length=3), nullable=True))
        batch_op.create_index(batch_op.f('ix_countries_region'), ['region'], unique=False)
    countries = sa.table('countries', sa.column('id', sa.Integer), sa.column('iso_code', sa.String), sa.column('region', sa.String))
    connection = op.get_bind()
    for number, iso_code in connection.execute(sa.select(countries.c.id, countries.c.iso_code).where(countries.c.iso_code.is_not(None))).all():
        if (region := region_of(iso_code)) is not None:
            connection.execute(countries.update().where(countries.c.id == number).values(region=region))


def downgrade():
    with op.batch_alter_table('countries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_countries_region'))
        batch_op.drop_column('region')
