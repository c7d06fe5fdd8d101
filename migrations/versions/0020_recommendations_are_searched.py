"""recommendations are searched

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 04:20:00

Recommendations keep `search_text`, as pledges, actions and roundtables do (revision 0014,
tracker/core/search.py): their text, their number in the source and their addressee in words,
folded — so the co-chairs' and owners' lists search them, forgiving accents and case.
Existing rows are folded here, with the fold as it is written today, copied so that this
revision never changes.
"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

COLUMNS = ('text', 'reference', 'addressee_note')
_BARE_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "æ": "ae", "Æ": "ae",
                               "œ": "oe", "Œ": "oe", "ħ": "h", "ı": "i"})


def _fold(text):
    decomposed = unicodedata.normalize('NFKD', (text or '').translate(_BARE_LETTERS))
    bare = ''.join(ch for ch in decomposed if not unicodedata.combining(ch))
    return ' '.join(bare.casefold().split())


def upgrade():
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.text(f"SELECT id, {', '.join(COLUMNS)} FROM recommendations")).all()
    for row in rows:
        folded = '\n'.join(_fold(value) for value in row[1:])
        connection.execute(sa.text("UPDATE recommendations SET search_text = :folded WHERE id = :id"),
                           {'folded': folded, 'id': row[0]})


def downgrade():
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.drop_column('search_text')
