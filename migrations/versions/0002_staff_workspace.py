"""staff workspace: proposed organisations, actions attributed to a signatory

- Staff may propose an organisation by name in the pledge editor; it stays unconfirmed
  until an admin checks it. Existing organisations are confirmed.
- Each action taken is attributed to the signatory that recorded it (which alone may edit
  or withdraw it). Existing actions are attributed to their pledge's lead signatory.

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

    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attributed_to_id', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE actions SET attributed_to_id = ("
        " SELECT organisation_id FROM pledge_signatories"
        " WHERE pledge_signatories.pledge_id = actions.pledge_id AND pledge_signatories.is_lead)"
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.alter_column('attributed_to_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_actions_attributed_to_id'), ['attributed_to_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_actions_attributed_to_id_organisations'), 'organisations', ['attributed_to_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_actions_attributed_to_id_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_actions_attributed_to_id'))
        batch_op.drop_column('attributed_to_id')

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('confirmed')
