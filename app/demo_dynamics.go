package app

import (
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// dynamicsStages maps the sandbox's HubSpot deal stages to the sales stage
// (phase) of a Dynamics 365 opportunity (0 Qualify, 1 Develop, 2 Propose,
// 3 Close), and dynamicsStagesBack maps each phase back to the open stage
// it stands for: four phases for five open stages, so each way has its own
// map, and every open stage reads back as the phase it was written as.
// Contract sent is the Close phase, so an open opportunity in its Close
// phase is an open HubSpot deal, not a won one; whether a deal is won or
// lost is the opportunity's state (dynamicsDealState).
var (
	dynamicsStages = map[string]string{
		"appointmentscheduled": "0", "qualifiedtobuy": "0", "presentationscheduled": "1",
		"decisionmakerboughtin": "2", "contractsent": "3", "closedwon": "3", "closedlost": "3",
	}
	dynamicsStagesBack = map[string]string{"0": "qualifiedtobuy", "1": "presentationscheduled", "2": "decisionmakerboughtin", "3": "contractsent"}
)

// dynamicsDealState maps a HubSpot deal stage to the opportunity's state
// (statecode 0 Open, 1 Won, 2 Lost), which the connector writes through
// WinOpportunity and LoseOpportunity, and dynamicsDealStateBack maps Won
// and Lost back. Open maps to "": it names no one HubSpot stage, so an
// opportunity reopened in Dynamics leaves its HubSpot deal where it is
// (the run says so), and at a first sync an open side against a closed
// one waits in Review rather than either being reopened or closed.
var (
	dynamicsDealState = map[string]string{
		"appointmentscheduled": "0", "qualifiedtobuy": "0", "presentationscheduled": "0",
		"decisionmakerboughtin": "0", "contractsent": "0", "closedwon": "1", "closedlost": "2",
	}
	dynamicsDealStateBack = map[string]string{"0": "", "1": "closedwon", "2": "closedlost"}
)

// DemoDynamicsDealsSync is the ready-made two-way sync between HubSpot
// deals and Dynamics 365 opportunities, matched by name: the amount as the
// estimated value, the stage through a value map each way (the open stages
// to the sales phase, closed won and lost to the state), the close date
// as the estimated close date (a date in UTC), and each deal's company as
// the opportunity's account, through the links of the companies sync named
// (DemoDynamicsCompaniesSync).
func DemoDynamicsDealsSync(name, hubspotConn, dynamicsConn, companies string) engine.Definition {
	return hubspotDealsSync(name, hubspotConn, dynamicsConn, companies,
		dealFields{object: "opportunities", name: "name", amount: "estimatedvalue", stage: "salesstage", close: "estimatedclosedate",
			company: "parentaccountid", owner: "ownerid", stages: dynamicsStages, stagesBack: dynamicsStagesBack,
			currency: "USD", // the sandbox org's base currency; the sync writes no transactioncurrencyid
			// The state after the stage, in one together group: where both
			// write dealstage the state wins (a deal lost at any phase is
			// closedlost).
			extra: []mapping.Field{{A: "dealstage", B: "statecode", Transform: "map", ValueMap: dynamicsDealState,
				ReverseTransform: "map", ReverseValueMap: dynamicsDealStateBack, Rule: mapping.UnlessBlank, Together: "stage"}}})
}

// dynamicsTaskStatus maps a HubSpot task's status to a Dynamics task's
// status reason (2 Not Started, 3 In Progress, 4 Waiting on someone else,
// 7 Deferred: state 0 Open; 5 Completed: state 1), dynamicsTaskState to
// the state it belongs to, and dynamicsTaskStatusBack each reason back (a
// canceled task, 6, is no longer to do: deferred in HubSpot).
var (
	dynamicsTaskStatus     = map[string]string{"NOT_STARTED": "2", "IN_PROGRESS": "3", "WAITING": "4", "DEFERRED": "7", "COMPLETED": "5"}
	dynamicsTaskState      = map[string]string{"NOT_STARTED": "0", "IN_PROGRESS": "0", "WAITING": "0", "DEFERRED": "0", "COMPLETED": "1"}
	dynamicsTaskStatusBack = map[string]string{"2": "NOT_STARTED", "3": "IN_PROGRESS", "4": "WAITING", "7": "DEFERRED", "5": "COMPLETED", "6": "DEFERRED"}
)

// DemoDynamicsTasksSync is the ready-made two-way sync between HubSpot
// tasks and Dynamics 365 tasks, matched by subject, each regarding its
// contact through the links of the contacts sync named (DemoDynamicsSync).
// HubSpot's body is HTML and Dynamics' description plain text; the
// priority goes through a value map (0 Low, 1 Normal, 2 High), the status
// through the task's status reason and state (a task completed on either
// side is completed on the other); the due time is the task's scheduled end.
func DemoDynamicsTasksSync(name, hubspotConn, dynamicsConn, contacts string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "tasks"},
		engine.SideDef{Connection: dynamicsConn, Object: "tasks"},
		engine.MatchRule{A: "hs_task_subject", B: "subject", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_task_subject", B: "subject", Rule: mapping.UnlessBlank},
			{A: "hs_task_body", B: "description", Transform: "text"},
			{A: "hs_task_priority", B: "prioritycode", Transform: "map", Rule: mapping.UnlessBlank, ValueMap: map[string]string{"LOW": "0", "MEDIUM": "1", "HIGH": "2"}},
			// The status reason each way, and the state it belongs to one
			// way: a completed task is Completed (state 1), the others Open.
			{A: "hs_task_status", B: "statuscode", Transform: "map", Rule: mapping.UnlessBlank, ValueMap: dynamicsTaskStatus,
				ReverseTransform: "map", ReverseValueMap: dynamicsTaskStatusBack, Default: "2"},
			{A: "hs_task_status", B: "statecode", Direction: mapping.AtoB, Transform: "map", Rule: mapping.UnlessBlank, ValueMap: dynamicsTaskState, Default: "0"},
			{A: "hs_timestamp", B: "scheduledend", Transform: "datetime", Rule: mapping.UnlessBlank},
			demoRef("associations.contact", "regardingobjectid_contact_task", contacts),
			DemoOwner("ownerid"),
		})
}

// DemoDynamicsCallsSync is the ready-made two-way sync between HubSpot
// calls and Dynamics 365 phone calls, matched by title, each regarding its
// contact through the links of the contacts sync named
// (DemoDynamicsSync). The direction is a Boolean in Dataverse (true for
// outgoing, its default, which the sync writes for a call without one);
// the duration goes from HubSpot's milliseconds to whole
// minutes; the call's time is the phone call's scheduled end.
func DemoDynamicsCallsSync(name, hubspotConn, dynamicsConn, contacts string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "calls"},
		engine.SideDef{Connection: dynamicsConn, Object: "phonecalls"},
		engine.MatchRule{A: "hs_call_title", B: "subject", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_call_title", B: "subject", Rule: mapping.UnlessBlank},
			{A: "hs_call_body", B: "description", Transform: "text"},
			{A: "hs_call_direction", B: "directioncode", Transform: "map", Rule: mapping.UnlessBlank,
				ValueMap: map[string]string{"INBOUND": "false", "OUTBOUND": "true"}, Default: "true"},
			{A: "hs_call_duration", B: "actualdurationminutes", Transform: "divide:60000"},
			{A: "hs_timestamp", B: "scheduledend", Transform: "datetime", Rule: mapping.UnlessBlank},
			demoRef("associations.contact", "regardingobjectid_contact_phonecall", contacts),
			DemoOwner("ownerid"),
		})
}

// DemoDynamicsMeetingsSync is the ready-made two-way sync between HubSpot
// meetings and Dynamics 365 appointments, matched by title, each regarding
// its contact through the links of the contacts sync named
// (DemoDynamicsSync); start and end are instants both sides.
func DemoDynamicsMeetingsSync(name, hubspotConn, dynamicsConn, contacts string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "meetings"},
		engine.SideDef{Connection: dynamicsConn, Object: "appointments"},
		engine.MatchRule{A: "hs_meeting_title", B: "subject", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_meeting_title", B: "subject", Rule: mapping.UnlessBlank},
			{A: "hs_meeting_body", B: "description", Transform: "text"},
			{A: "hs_meeting_location", B: "location"},
			{A: "hs_meeting_start_time", B: "scheduledstart", Transform: "datetime", Rule: mapping.UnlessBlank},
			{A: "hs_meeting_end_time", B: "scheduledend", Transform: "datetime", Rule: mapping.UnlessBlank},
			demoRef("associations.contact", "regardingobjectid_contact_appointment", contacts),
			DemoOwner("ownerid"),
		})
}

// DemoDynamicsNotesSync is the ready-made two-way sync between HubSpot
// notes and Dynamics 365 notes (annotations) on contacts, matched by their
// text, each on the contact linked to its own through the contacts sync
// named (DemoDynamicsSync), as DemoNotesSync does with Salesforce: the
// text both ways (HTML in HubSpot, plain text in notetext), the contact
// and the date on create only; a note made from HubSpot takes its first
// line as its title. Notes with a file attached are notes too: their text
// syncs, the file does not.
func DemoDynamicsNotesSync(name, hubspotConn, dynamicsConn, contacts string) engine.Definition {
	def := hubspotNotesSync(name, hubspotConn, dynamicsConn, contacts,
		noteSide{object: "annotations", body: "notetext", bodyTransform: "text", created: "createdon", parent: "objectid_contact"},
		mapping.Field{A: "hs_note_body", B: "subject", Direction: mapping.AtoB, Transform: "firstline:80", Rule: mapping.OnCreate})
	def.Filters.B = []engine.Filter{{Field: "objectid_contact", Op: "not-empty"}}
	return def
}

// DemoDynamicsCompaniesSync is the ready-made two-way sync between HubSpot
// companies and Dynamics 365 accounts, matched by web domain, then by name
// (withNameRule).
func DemoDynamicsCompaniesSync(name, hubspotConn, dynamicsConn string) engine.Definition {
	return withNameRule(demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "companies"},
		engine.SideDef{Connection: dynamicsConn, Object: "accounts"},
		engine.MatchRule{A: "domain", B: "websiteurl", Normalize: "domain"},
		[]mapping.Field{
			{A: "name", B: "name", Rule: mapping.UnlessBlank},
			{A: "phone", B: "telephone1", Transform: "e164"},
			{A: "city", B: "address1_city", Rule: mapping.UnlessBlank},
			// The web domain both ways: a company created on either side
			// carries its match key, so HubSpot holds its domain, the
			// journal can find a create whose answer was lost, and the
			// next run matches it (without it a lost answer duplicated the
			// company on both sides).
			{A: "domain", B: "websiteurl", Transform: "domain", Rule: mapping.UnlessBlank},
			DemoOwner("ownerid"),
		}), "name")
}

// DemoDynamicsSync is the ready-made two-way sync between HubSpot contacts
// and Dynamics 365 contacts, matched by email. Dataverse needs a last
// name, so a blank one never overwrites it. With companies set, a
// contact's primary company and its Dynamics account (the parent customer,
// when it is an account) go through that sync's links
// (DemoDynamicsCompaniesSync), and the owner with them (DemoOwner).
func DemoDynamicsSync(name, hubspotConn, dynamicsConn, companies string) engine.Definition {
	def := dynamicsContacts(name, hubspotConn, dynamicsConn)
	if companies != "" {
		def.Fields = append(def.Fields, demoRef("associatedcompanyid", "parentcustomerid_account", companies), DemoOwner("ownerid"))
	}
	return def
}

func dynamicsContacts(name, hubspotConn, dynamicsConn string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "contacts"},
		engine.SideDef{Connection: dynamicsConn, Object: "contacts"},
		engine.MatchRule{A: "email", B: "emailaddress1", Normalize: "email"},
		[]mapping.Field{
			{A: "email", B: "emailaddress1", Transform: "lower"},
			{A: "firstname", B: "firstname"},
			{A: "lastname", B: "lastname", Rule: mapping.UnlessBlank},
			{A: "phone", B: "telephone1", Transform: "e164"},
			{A: "jobtitle", B: "jobtitle", Rule: mapping.UnlessBlank},
			demoOptOut("donotbulkemail"), // "Do not allow Bulk Emails", Dataverse's marketing opt-out
		})
}
