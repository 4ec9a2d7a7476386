"""The adjudication audit trail is append-only: the database refuses to change its rows."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION campaigns_adjudicationevent_no_update() RETURNS trigger AS $$
BEGIN
    -- Only clearing the actor (their user account deleted: on_delete=SET_NULL) is allowed.
    IF (NEW.id, NEW.campaign_id, NEW.clause_id, NEW.kind, NEW.labels, NEW.previous_labels,
        NEW.note, NEW.created_at)
       IS DISTINCT FROM (OLD.id, OLD.campaign_id, OLD.clause_id, OLD.kind, OLD.labels,
        OLD.previous_labels, OLD.note, OLD.created_at)
       OR NEW.actor_id IS NOT NULL AND NEW.actor_id IS DISTINCT FROM OLD.actor_id THEN
        RAISE EXCEPTION 'campaigns_adjudicationevent is append-only';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER campaigns_adjudicationevent_no_update
    BEFORE UPDATE ON campaigns_adjudicationevent
    FOR EACH ROW EXECUTE FUNCTION campaigns_adjudicationevent_no_update();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS campaigns_adjudicationevent_no_update ON campaigns_adjudicationevent;
DROP FUNCTION IF EXISTS campaigns_adjudicationevent_no_update();
"""


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
