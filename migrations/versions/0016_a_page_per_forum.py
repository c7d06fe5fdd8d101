"""a page per forum

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 23:55:00

Each forum (a conference, a process, a programme) gets a public page, /forums/<slug>: its
pledges and roundtables as a whole. The slug is made from the forum's name, transliterated
(python-slugify, as the app makes it), numbered when two names give the same one.
"""
from alembic import op
import sqlalchemy as sa
from slugify import slugify


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

RESERVED = {"new", "mine", "review", "follow-through"}


def upgrade():
    with op.batch_alter_table('forums', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slug', sa.String(length=120), nullable=True))
    connection = op.get_bind()
    taken = set(RESERVED)
    for forum_id, name in connection.execute(sa.text("SELECT id, name FROM forums ORDER BY id")).all():
        base = slugify(name or "", max_length=100, word_boundary=True, save_order=True) or "forum"
        slug = next(s for s in [base, *(f"{base}-{n}" for n in range(2, len(taken) + 3))] if s not in taken)
        taken.add(slug)
        connection.execute(sa.text("UPDATE forums SET slug = :slug WHERE id = :id"), {"slug": slug, "id": forum_id})
    with op.batch_alter_table('forums', schema=None) as batch_op:
        batch_op.alter_column('slug', existing_type=sa.String(length=120), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_forums_slug'), ['slug'])


def downgrade():
    with op.batch_alter_table('forums', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_forums_slug'), type_='unique')
        batch_op.drop_column('slug')
