package dynamics

import (
	"net/http"
)

// The phonecall and appointment activity tables and the annotation (note) table.
//
// Sources: the Dataverse table references
// (https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/phonecall,
// .../appointment and .../annotation) for the columns, their types, lengths, ranges,
// requirement levels and choices; the phonecall and annotation Web API EntityType
// references for the navigation properties (regardingobjectid_contact_phonecall,
// objectid_contact, ownerid ...); the contact and account table references for the
// Contact_/Account_Phonecalls, _Appointments and _Annotation relationships (all Delete:
// Cascade); and the Dynamics 365 appointment, phonecall and annotation references for
// Opportunity_Phonecalls, Opportunity_Appointments and Opportunity_Annotation (Delete:
// Cascade, navigation properties regardingobjectid_opportunity_phonecall,
// regardingobjectid_opportunity_appointment and objectid_opportunity). Only account,
// contact and opportunity are simulated among the many targets the docs list.
//
// Unverified: the MetadataIds (made up); the ObjectTypeCodes 4210, 4201 and 5 (the
// platform's well-known values, not on the pages read); the GlobalChoiceNames of
// prioritycode, directioncode and isalldayevent (the <table>_<column> pattern the newer
// references show for annotation_isdocument); prioritycode's DefaultFormValue 1 (the
// task reference's, assumed for both activities).

// regarding is an activity's regardingobjectid: a Lookup to account, contact and
// opportunity whose navigation properties are regardingobjectid_<table>_<activity>.
func regarding(activity, collection string) *attrDef {
	return &attrDef{name: "regardingobjectid", schema: "RegardingObjectId", display: "Regarding", kind: kindLookup, edm: edmGUID,
		required: "None", create: true, update: true, targets: []string{"account", "contact", "opportunity"},
		navs: []string{"regardingobjectid_account_" + activity, "regardingobjectid_contact_" + activity,
			"regardingobjectid_opportunity_" + activity},
		rels:    []string{"Account_" + collection, "Contact_" + collection, "Opportunity_" + collection},
		cascade: []string{"Cascade", "Cascade", "Cascade"}}
}

// ownerAttr is ownerid (Type Owner, SystemRequired, Targets systemuser, team). Its
// navigation property is "ownerid" (phonecall EntityType reference: ownerid, type
// principal); a row created without it is owned by the calling user (WhoAmI's UserId).
// The users and the checks on a bind are in users.go.
func ownerAttr() *attrDef {
	return &attrDef{name: "ownerid", schema: "OwnerId", display: "Owner", kind: kindOwner, edm: edmGUID, required: "SystemRequired",
		create: true, update: true, targets: []string{"systemuser", "team"}, navs: []string{"ownerid", ""}}
}

// boolean is a Two options column: DefaultValue and the True/False labels of the reference.
func boolean(name, schema, display, global string, def bool, trueLabel, falseLabel string) *attrDef {
	return &attrDef{name: name, schema: schema, display: display, kind: kindBool, edm: edmBool, required: "None",
		create: true, update: true, global: global, defBool: def, trueLabel: trueLabel, falseLabel: falseLabel}
}

func withFormat(a *attrDef, format string) *attrDef { a.format = format; return a }

func withRequired(a *attrDef, req string) *attrDef { a.required = req; return a }

func priority(global string) *attrDef {
	return picklist("prioritycode", "PriorityCode", "Priority", global,
		option{value: 0, label: "Low"}, option{value: 1, label: "Normal"}, option{value: 2, label: "High"})
}

// phoneCallDef is the phonecall activity table: subject String 200 ApplicationRequired,
// description Memo 2000, phonenumber String 200 (Phone), directioncode Boolean
// (1 Outgoing / 0 Incoming, DefaultValue True), actualdurationminutes Integer
// 0..2147483647, scheduledend DateTime (DateAndTime, UserLocal), actualend DateTime
// (UserLocal; the reference gives Format DateOnly, so the value stays a date-time on
// the wire), prioritycode Picklist 0 Low / 1 Normal / 2 High, regardingobjectid,
// ownerid, statecode 0 Open / 1 Completed / 2 Canceled (DefaultStatus 1, 2, 3) and
// statuscode 1 Open (state 0), 2 Made (1), 3 Canceled (2), 4 Received (1).
func phoneCallDef() *entityDef {
	attrs := []*attrDef{
		{name: "activityid", schema: "ActivityId", display: "Phone Call", kind: kindID, edm: edmGUID, required: "SystemRequired", create: true},
		str("subject", "Subject", "Subject", 200, "Text", "ApplicationRequired"),
		withFormat(memo("description", "Description", "Description", 2000), "Text"),
		str("phonenumber", "PhoneNumber", "Phone Number", 200, "Phone", "None"),
		boolean("directioncode", "DirectionCode", "Direction", "phonecall_directioncode", true, "Outgoing", "Incoming"),
		integer("actualdurationminutes", "ActualDurationMinutes", "Duration", 0, 2147483647),
		dateTime("scheduledend", "ScheduledEnd", "Due"),
		withFormat(dateTime("actualend", "ActualEnd", "Actual End"), "DateOnly"),
		priority("phonecall_prioritycode"),
		regarding("phonecall", "Phonecalls"),
		ownerAttr(),
	}
	attrs = append(attrs, stateStatus(
		[]option{{value: 0, label: "Open", defStatus: 1}, {value: 1, label: "Completed", defStatus: 2}, {value: 2, label: "Canceled", defStatus: 3}},
		[]option{{value: 1, label: "Open", state: 0}, {value: 2, label: "Made", state: 1}, {value: 3, label: "Canceled", state: 2},
			{value: 4, label: "Received", state: 1}}, "phonecall")...)
	return newEntity(&entityDef{logical: "phonecall", set: "phonecalls", schema: "PhoneCall", display: "Phone Call", displayPlural: "Phone Calls",
		primaryID: "activityid", primaryName: "subject", objectTypeCode: 4210, isActivity: true,
		metadataID: "c1e4b7a2-5d3f-4e8a-9b61-7f2d0a4c8e13", defaultStatus: 1, attrs: attrs})
}

// appointmentDef is the appointment activity table: subject String 200
// ApplicationRequired, description Memo 1048576, location String 200, scheduledstart and
// scheduledend DateTime (DateAndTime, UserLocal, ApplicationRequired: metadata only, as
// for the other tables), scheduleddurationminutes Integer 0..2147483647 (stored as
// written, not computed from the times [unverified]), isalldayevent Boolean (1 Yes /
// 0 No, DefaultValue False), prioritycode, regardingobjectid, ownerid, statecode 0 Open /
// 1 Completed / 2 Canceled / 3 Scheduled (DefaultStatus 1, 3, 4, 5) and statuscode
// 1 Free, 2 Tentative (state 0), 3 Completed (1), 4 Canceled (2), 5 Busy, 6 Out of
// Office (3). A created row is Open/Free, statecode 0's DefaultStatus [unverified: the
// platform may book it as Scheduled].
func appointmentDef() *entityDef {
	attrs := []*attrDef{
		{name: "activityid", schema: "ActivityId", display: "Appointment", kind: kindID, edm: edmGUID, required: "SystemRequired", create: true},
		str("subject", "Subject", "Subject", 200, "Text", "ApplicationRequired"),
		withFormat(memo("description", "Description", "Description", 1048576), "Text"),
		str("location", "Location", "Location", 200, "Text", "None"),
		withRequired(dateTime("scheduledstart", "ScheduledStart", "Start Time"), "ApplicationRequired"),
		withRequired(dateTime("scheduledend", "ScheduledEnd", "End Time"), "ApplicationRequired"),
		integer("scheduleddurationminutes", "ScheduledDurationMinutes", "Duration", 0, 2147483647),
		boolean("isalldayevent", "IsAllDayEvent", "All Day Event", "appointment_isalldayevent", false, "Yes", "No"),
		priority("appointment_prioritycode"),
		regarding("appointment", "Appointments"),
		ownerAttr(),
	}
	attrs = append(attrs, stateStatus(
		[]option{{value: 0, label: "Open", defStatus: 1}, {value: 1, label: "Completed", defStatus: 3}, {value: 2, label: "Canceled", defStatus: 4},
			{value: 3, label: "Scheduled", defStatus: 5}},
		[]option{{value: 1, label: "Free", state: 0}, {value: 2, label: "Tentative", state: 0}, {value: 3, label: "Completed", state: 1},
			{value: 4, label: "Canceled", state: 2}, {value: 5, label: "Busy", state: 3}, {value: 6, label: "Out of Office", state: 3}}, "appointment")...)
	return newEntity(&entityDef{logical: "appointment", set: "appointments", schema: "Appointment", display: "Appointment", displayPlural: "Appointments",
		primaryID: "activityid", primaryName: "subject", objectTypeCode: 4201, isActivity: true,
		metadataID: "5a9d3c61-8e2b-4f07-a1d4-2c6e9b0f7d24", defaultStatus: 1, attrs: attrs})
}

// annotationDef is the annotation (Note) table: subject String 500 ApplicationRequired
// (display "Title"), notetext Memo 100000, isdocument Boolean (SystemRequired,
// DefaultValue False, global annotation_isdocument), objectid Lookup with navigation
// properties objectid_<table> (Account_/Contact_/Opportunity_Annotation, Delete:
// Cascade), objecttypecode EntityName, ownerid, createdon and modifiedon. A note has no
// statecode or statuscode. objecttypecode reports the table of the row objectid names;
// a written value is accepted as a string and otherwise ignored, the lookup deciding
// [unverified]. The attachment columns (documentbody, filename, mimetype, filesize) are
// not kept: a write, $select or $filter naming them is refused with a 400 rather than
// silently dropping a file.
func annotationDef() *entityDef {
	attrs := []*attrDef{
		{name: "annotationid", schema: "AnnotationId", display: "Note", kind: kindID, edm: edmGUID, required: "SystemRequired", create: true},
		str("subject", "Subject", "Title", 500, "Text", "ApplicationRequired"),
		withFormat(memo("notetext", "NoteText", "Description", 100000), "Text"),
		withRequired(boolean("isdocument", "IsDocument", "Is Document", "annotation_isdocument", false, "Yes", "No"), "SystemRequired"),
		{name: "objectid", schema: "ObjectId", display: "Regarding", kind: kindLookup, edm: edmGUID, required: "None", create: true, update: true,
			targets: []string{"account", "contact", "opportunity"}, navs: []string{"objectid_account", "objectid_contact", "objectid_opportunity"},
			rels: []string{"Account_Annotation", "Contact_Annotation", "Opportunity_Annotation"}, cascade: []string{"Cascade", "Cascade", "Cascade"}},
		{name: "objecttypecode", schema: "ObjectTypeCode", display: "Object Type", kind: kindEntity, edm: edmString, required: "None",
			create: true, update: true, typeOf: "objectid"},
		ownerAttr(),
	}
	attrs = append(attrs, systemTimes()...)
	e := newEntity(&entityDef{logical: "annotation", set: "annotations", schema: "Annotation", display: "Note", displayPlural: "Notes",
		primaryID: "annotationid", primaryName: "subject", objectTypeCode: 5,
		metadataID: "e7b2f0c4-1a6d-4c93-8f05-3d8a6b2e9c35", attrs: attrs})
	e.unsupported = map[string]bool{"documentbody": true, "filename": true, "mimetype": true, "filesize": true}
	return e
}

// errUnsupportedProp refuses a documented property the simulator does not keep
// [unverified: simulator-only error].
func errUnsupportedProp(e *entityDef, name string) *apiError {
	return newErr(http.StatusBadRequest, codeQueryUnsupported,
		"The property '%s' of '%s' (note attachments) is not supported by this simulator.", name, e.typeName())
}
