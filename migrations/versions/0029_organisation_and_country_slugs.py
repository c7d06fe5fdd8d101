"""organisation and country slugs

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 15:00:00

Organisations and countries (or named regions) get a slug, the identifier a partner gives
the API's filters (`/api/v1/pledges?organisation=australian-red-cross&country=cambodia`)
as it gives a theme's or a forum's. Made from the name, transliterated (python-slugify, as
the app makes it), numbered when two names give the same one; never changed after.
"""
from alembic import op
import sqlalchemy as sa
from slugify import slugify


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

TABLES = {"organisations": "organisation", "countries": "country"}  # table: fallback slug


def upgrade():
    connection = op.get_bind()
    for table, fallback in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('slug', sa.String(length=120), nullable=True))
        taken = set()
        for row_id, name in connection.execute(sa.text(f"SELECT id, name FROM {table} ORDER BY id")).all():
            base = slugify(name or "", max_length=100, word_boundary=True, save_order=True) or fallback
            slug = next(s for s in [base, *(f"{base}-{n}" for n in range(2, len(taken) + 3))] if s not in taken)
            taken.add(slug)
            connection.execute(sa.text(f"UPDATE {table} SET slug = :slug WHERE id = :id"), {"slug": slug, "id": row_id})
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('slug', existing_type=sa.String(length=120), nullable=False)
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_slug'), ['slug'])


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_slug'), type_='unique')
            batch_op.drop_column('slug')
