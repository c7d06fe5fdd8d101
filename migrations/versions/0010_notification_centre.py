"""notifications: the notification centre, daily digests and reminders

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 18:05:17

`notifications` holds every notification a person gets (the bell counts the unread ones),
whatever they chose for its e-mail; those kept for a daily digest name the digest that
gathered them (`notification_digests`: one per person per day, a unique constraint).
`sent_reminders` records each reminder sent, once per record, person and milestone (a
unique constraint), so `remind` never sends one twice. A person may now choose "daily" for
a kind of e-mail (the CHECK of `notification_settings.email`). Recommendations remember the
day their owners last marked them done (`completed_on`), filled in for those already done
from their latest progress update (which marking done writes).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_digests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_digests')),
    sa.UniqueConstraint('user_id', 'day', name=op.f('uq_notification_digests_user_id_day'))
    )
    op.create_table('sent_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('milestone', sa.String(length=60), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sent_reminders_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_reminders')),
    sa.UniqueConstraint('subject', 'subject_id', 'milestone', 'user_id', name=op.f('uq_sent_reminders_subject_subject_id_milestone_user_id'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('kept_for_digest', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('digest_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['digest_id'], ['notification_digests.id'], name=op.f('fk_notifications_digest_id_notification_digests'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_for_digest', ['kept_for_digest', 'digest_id'], unique=False)
        batch_op.create_index('ix_notifications_user_newest', ['user_id', 'id'], unique=False)
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at'], unique=False)

    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completed_on', sa.Date(), nullable=True))
    op.execute(
        "UPDATE recommendations SET completed_on = (SELECT max(progress_updates.date) FROM progress_updates "
        "WHERE progress_updates.recommendation_id = recommendations.id) WHERE status IN ('done', 'verified')"
    )

    # "daily" joins the choices of how a kind of notification reaches a person by e-mail.
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_notification_settings_email_choice'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_notification_settings_email_choice'), "email IN ('immediately', 'daily', 'off')"
        )


def downgrade():
    # A daily digest was not a choice before: those who chose it get each e-mail at once again.
    op.execute("UPDATE notification_settings SET email = 'immediately' WHERE email = 'daily'")
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_notification_settings_email_choice'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_notification_settings_email_choice'), "email IN ('immediately', 'off')"
        )

    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.drop_column('completed_on')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_unread')
        batch_op.drop_index('ix_notifications_user_newest')
        batch_op.drop_index('ix_notifications_for_digest')

    op.drop_table('notifications')
    op.drop_table('sent_reminders')
    op.drop_table('notification_digests')
