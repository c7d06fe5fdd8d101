"""search that forgives accents and case, in every script

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 21:45:00

Pledges, actions and roundtables keep `search_text`: their searchable texts folded (Unicode
NFKD, without combining marks, case-folded; tracker/core/search.py), which a search word,
folded the same way, is looked for in — so "autorites" finds "autorités", the same on SQLite
and PostgreSQL. Existing rows are folded here (with the fold as it is written today, copied
so that this revision never changes); PostgreSQL indexes the column with pg_trgm (0005).
"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

SEARCHABLE = {
    'pledges': ('title', 'text'),
    'actions': ('summary', 'details', 'heading'),
    'roundtables': ('title', 'summary', 'place', 'participants_note'),
}


def _fold(text):
    decomposed = unicodedata.normalize('NFKD', text or '')
    bare = ''.join(ch for ch in decomposed if not unicodedata.combining(ch))
    return ' '.join(bare.casefold().split())


def upgrade():
    for table in SEARCHABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=True))
    connection = op.get_bind()
    for table, columns in SEARCHABLE.items():
        rows = connection.execute(sa.text(f"SELECT id, {', '.join(columns)} FROM {table}")).all()
        for row in rows:
            folded = '\n'.join(_fold(value) for value in row[1:])
            connection.execute(sa.text(f"UPDATE {table} SET search_text = :folded WHERE id = :id"),
                               {'folded': folded, 'id': row[0]})
    if connection.dialect.name == 'postgresql':
        for table in SEARCHABLE:
            op.create_index(f'ix_{table}_search_text_trgm', table, ['search_text'], postgresql_using='gin',
                            postgresql_ops={'search_text': 'gin_trgm_ops'})


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in SEARCHABLE:
            op.drop_index(f'ix_{table}_search_text_trgm', table_name=table)
    for table in SEARCHABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('search_text')
