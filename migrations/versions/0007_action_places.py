"""actions: one place each in their pledge's list

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:43:21.777961

Actions recorded at the same instant could share a place (`position`) in their pledge's list,
which actions.csv then cannot import back. Before the database refuses it (a unique
constraint), the pledges whose actions share places get their list numbered again, 0, 1, 2 …,
in the order the page showed them (by place, then by when they were recorded).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _renumber_shared_places(connection) -> None:
    actions = sa.table("actions", sa.column("id"), sa.column("pledge_id"), sa.column("position"))
    shared = (
        sa.select(actions.c.pledge_id)
        .group_by(actions.c.pledge_id, actions.c.position)
        .having(sa.func.count() > 1)
        .distinct()
    )
    rows = connection.execute(
        sa.select(actions.c.id, actions.c.pledge_id)
        .where(actions.c.pledge_id.in_(shared))
        .order_by(actions.c.pledge_id, actions.c.position, actions.c.id)
    ).all()
    place, pledge = 0, None
    for action_id, pledge_id in rows:
        place = 0 if pledge_id != pledge else place + 1
        pledge = pledge_id
        connection.execute(actions.update().where(actions.c.id == action_id).values(position=place))


def upgrade():
    _renumber_shared_places(op.get_bind())
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_actions_pledge_id_position'), ['pledge_id', 'position'])


def downgrade():
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_actions_pledge_id_position'), type_='unique')
