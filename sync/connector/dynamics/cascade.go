package dynamics

import "github.com/crmsync/crmsync/sync/connector"

var _ connector.DeleteCascader = (*Connector)(nil)

// DeleteCascades names what Dataverse deletes with a row of object: the
// relationships whose cascade configuration has Delete: Cascade (contact
// and account table references: <Table>_Tasks, _Phonecalls,
// _Appointments, _Annotation and opportunity_customer_<tables>; the
// opportunity references for its activities and notes).
func (c *Connector) DeleteCascades(object string) string {
	switch object {
	case "contacts", "accounts":
		return "Dynamics 365 also deletes its tasks, phone calls, appointments and notes, and the opportunities whose potential customer it is"
	case "opportunities":
		return "Dynamics 365 also deletes its tasks, phone calls, appointments and notes"
	}
	return ""
}
