package dynamics

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	annRegarding = "_regardingobjectid_value@Microsoft.Dynamics.CRM.lookuplogicalname"
	annObject    = "_objectid_value@Microsoft.Dynamics.CRM.lookuplogicalname"
	annOwner     = "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"
)

func TestPhoneCallRegardingContact(t *testing.T) {
	e := newEnv(t, Options{})
	conID := idFromEntityID(t, e.must(e.do("POST", "contacts", map[string]any{"lastname": "Hopper"}), 204).header)
	reqs, _ := e.sim.Usage()
	r := e.must(e.do("POST", "phonecalls?$select=subject,phonenumber,directioncode,actualdurationminutes,scheduledend,actualend,prioritycode,statecode,statuscode,_regardingobjectid_value,_ownerid_value",
		map[string]any{"subject": "Intro call", "phonenumber": "+1 555 0100", "description": "left a message", "actualdurationminutes": 12,
			"scheduledend": "2026-11-10T09:30:00+01:00", "actualend": "2026-11-10T08:45:00Z", "prioritycode": 2,
			"regardingobjectid_contact_phonecall@odata.bind": "/contacts(" + conID + ")"}, "Prefer", "return=representation"), 201)
	b := r.body
	if b["subject"] != "Intro call" || b["phonenumber"] != "+1 555 0100" || b["directioncode"] != true || b["actualdurationminutes"] != float64(12) ||
		b["scheduledend"] != "2026-11-10T08:30:00Z" || b["actualend"] != "2026-11-10T08:45:00Z" || b["prioritycode"] != float64(2) ||
		b["statecode"] != float64(0) || b["statuscode"] != float64(1) || b["_regardingobjectid_value"] != conID ||
		b["_ownerid_value"] != e.sim.UserID() || b["activityid"] == nil {
		t.Fatalf("created phone call: %s", r.raw)
	}
	if !strings.HasPrefix(r.header.Get("OData-EntityId"), e.base+"/api/data/v9.2/phonecalls(") {
		t.Fatalf("OData-EntityId %q", r.header.Get("OData-EntityId"))
	}
	id := b["activityid"].(string)
	// Read back with the lookup annotation, by list and by id.
	l := e.must(e.do("GET", "phonecalls?$select=subject,_regardingobjectid_value,_ownerid_value", nil, "Prefer", annLookup), 200)
	if v := l.values(); len(v) != 1 || v[0]["activityid"] != id || v[0]["_regardingobjectid_value"] != conID || v[0][annRegarding] != "contact" ||
		v[0][annOwner] != "systemuser" {
		t.Fatalf("annotated list: %s", l.raw)
	}
	if l.header.Get("Preference-Applied") != annLookup {
		t.Fatalf("Preference-Applied %q", l.header.Get("Preference-Applied"))
	}
	one := e.must(e.do("GET", "phonecalls("+id+")?$select=_regardingobjectid_value", nil, "Prefer", annLookup), 200)
	if one.body[annRegarding] != "contact" || one.body["@odata.context"] != e.base+"/api/data/v9.2/$metadata#phonecalls(_regardingobjectid_value)/$entity" {
		t.Fatalf("annotated retrieve: %s", one.raw)
	}
	if v := e.must(e.do("GET", "phonecalls?$select=_regardingobjectid_value", nil), 200).values(); v[0][annRegarding] != nil {
		t.Fatal("annotation without the preference")
	}
	// Booleans: the default (Outgoing), filters and type checks.
	e.must(e.do("POST", "phonecalls", map[string]any{"subject": "Inbound", "directioncode": false,
		"regardingobjectid_contact_phonecall@odata.bind": "/contacts(" + conID + ")"}), 204)
	f := e.must(e.do("GET", "phonecalls?$select=subject&$filter=directioncode eq false and _regardingobjectid_value eq "+conID, nil), 200)
	if v := f.values(); len(v) != 1 || v[0]["subject"] != "Inbound" {
		t.Fatalf("directioncode filter: %s", f.raw)
	}
	if r := e.do("GET", "phonecalls?$filter=directioncode eq 1", nil); r.status != 400 || !strings.Contains(r.errMessage(), "'Edm.Boolean' and 'Edm.Int32'") {
		t.Fatalf("integer literal against a boolean: %s", r.raw)
	}
	if r := e.do("POST", "phonecalls", map[string]any{"subject": "x", "directioncode": 1}); r.status != 400 || !strings.Contains(r.errMessage(), "Edm.Boolean") {
		t.Fatalf("directioncode 1: %s", r.raw)
	}
	// Lookups: other tables' navigation properties, direct writes, the owner.
	if r := e.do("POST", "phonecalls", map[string]any{"subject": "x", "regardingobjectid_contact_task@odata.bind": "/contacts(" + conID + ")"}); r.status != 400 ||
		!strings.Contains(r.errMessage(), "undeclared property 'regardingobjectid_contact_task'") {
		t.Fatalf("task navigation on a phone call: %s", r.raw)
	}
	if r := e.do("POST", "phonecalls", map[string]any{"subject": "x", "_regardingobjectid_value": conID}); r.status != 400 {
		t.Fatalf("direct lookup write: %s", r.raw)
	}
	if r := e.do("POST", "phonecalls", map[string]any{"subject": "x", "_ownerid_value": e.sim.UserID()}); r.status != 400 {
		t.Fatalf("direct owner write: %s", r.raw)
	}
	e.must(e.do("PATCH", "phonecalls("+id+")", map[string]any{"ownerid@odata.bind": "/systemusers(" + e.sim.UserID() + ")"}), 204)
	other := "00000000-0000-0000-0000-0000000000ee"
	if r := e.do("PATCH", "phonecalls("+id+")", map[string]any{"ownerid@odata.bind": "/systemusers(" + other + ")"}); r.status != 404 ||
		r.errMessage() != "systemuser With Id = "+other+" Does Not Exist" {
		t.Fatalf("bind to an unknown user: %s", r.raw)
	}
	if r := e.do("PATCH", "phonecalls("+id+")", map[string]any{"ownerid@odata.bind": "/teams(" + other + ")"}); r.status != 404 {
		t.Fatalf("bind to a team: %s", r.raw)
	}
	if r := e.do("PATCH", "phonecalls("+id+")", map[string]any{"ownerid@odata.bind": nil}); r.status != 400 {
		t.Fatalf("owner cleared: %s", r.raw)
	}
	// Completing a call sets statecode 1's default status reason (2 Made).
	e.clk.add(time.Minute)
	e.must(e.do("PATCH", "phonecalls("+id+")", map[string]any{"statecode": 1}), 204)
	if rec, _ := e.sim.Get("phonecalls", id); rec.Fields["statuscode"] != int64(2) || rec.Fields["directioncode"] != true ||
		rec.Fields["_ownerid_value"] != e.sim.UserID() || !rec.Modified.Equal(e.clk.now()) {
		t.Fatalf("completed call: %+v", rec)
	}
	// Upsert with a URL id creates; conditions; delete.
	uid := "00000000-0000-0000-0000-0000000000c1"
	e.must(e.do("PATCH", "phonecalls("+uid+")", map[string]any{"subject": "upserted"}, "If-Match", "*"), 404)
	e.must(e.do("PATCH", "phonecalls("+uid+")", map[string]any{"subject": "upserted"}), 204)
	e.must(e.do("PATCH", "phonecalls("+uid+")", map[string]any{"subject": "again"}, "If-None-Match", "*"), 412)
	e.must(e.do("DELETE", "phonecalls("+uid+")", nil), 204)
	e.must(e.do("GET", "phonecalls("+uid+")", nil), 404)
	st := e.sim.Stats()
	for _, k := range []string{"POST /api/data/v9.2/phonecalls", "GET /api/data/v9.2/phonecalls", "GET /api/data/v9.2/phonecalls({id})",
		"PATCH /api/data/v9.2/phonecalls({id})", "DELETE /api/data/v9.2/phonecalls({id})"} {
		if st[k] == 0 {
			t.Errorf("stats lack %q: %v", k, st)
		}
	}
	if after, _ := e.sim.Usage(); after <= reqs {
		t.Fatalf("usage did not count the requests: %d then %d", reqs, after)
	}
}

func TestAppointmentRegardingContact(t *testing.T) {
	e := newEnv(t, Options{})
	conID := idFromEntityID(t, e.must(e.do("POST", "contacts", map[string]any{"lastname": "Lamarr"}), 204).header)
	r := e.must(e.do("POST", "appointments", map[string]any{"subject": "Demo", "location": "Room 4", "description": "<p>agenda</p>",
		"scheduledstart": "2026-11-12T14:00:00Z", "scheduledend": "2026-11-12T15:00:00Z", "scheduleddurationminutes": 60,
		"isalldayevent": true, "prioritycode": 0, "regardingobjectid_contact_appointment@odata.bind": "/contacts(" + conID + ")"}), 204)
	id := idFromEntityID(t, r.header)
	got := e.must(e.do("GET", "appointments("+id+")?$select=subject,location,scheduledstart,scheduledend,scheduleddurationminutes,isalldayevent,prioritycode,statecode,statuscode,_regardingobjectid_value",
		nil, "Prefer", `odata.include-annotations="*"`), 200)
	b := got.body
	if b["activityid"] != id || b["subject"] != "Demo" || b["location"] != "Room 4" || b["scheduledstart"] != "2026-11-12T14:00:00Z" ||
		b["scheduledend"] != "2026-11-12T15:00:00Z" || b["scheduleddurationminutes"] != float64(60) || b["isalldayevent"] != true ||
		b["prioritycode"] != float64(0) || b["statecode"] != float64(0) || b["statuscode"] != float64(1) ||
		b["_regardingobjectid_value"] != conID || b[annRegarding] != "contact" {
		t.Fatalf("appointment: %s", got.raw)
	}
	// Re-pointed at an account; scheduled (statecode 3) takes status 5 Busy.
	accID := idFromEntityID(t, e.must(e.do("POST", "accounts", map[string]any{"name": "Contoso"}), 204).header)
	e.must(e.do("PATCH", "appointments("+id+")", map[string]any{"regardingobjectid_account_appointment@odata.bind": "/accounts(" + accID + ")",
		"statecode": 3, "isalldayevent": false}), 204)
	got = e.must(e.do("GET", "appointments("+id+")?$select=_regardingobjectid_value,statuscode,isalldayevent", nil, "Prefer", annLookup), 200)
	if got.body[annRegarding] != "account" || got.body["statuscode"] != float64(5) || got.body["isalldayevent"] != false {
		t.Fatalf("after PATCH: %s", got.raw)
	}
	if r := e.do("POST", "appointments", map[string]any{"subject": "x", "isalldayevent": "yes"}); r.status != 400 {
		t.Fatalf("string boolean: %s", r.raw)
	}
	if r := e.do("POST", "appointments", map[string]any{"subject": "x", "scheduleddurationminutes": -1}); r.status != 400 ||
		!strings.Contains(r.errMessage(), "outside the valid range") {
		t.Fatalf("negative duration: %s", r.raw)
	}
	if r := e.do("POST", "appointments", map[string]any{"subject": "x", "location": strings.Repeat("l", 201)}); r.status != 400 || r.errCode() != "0x80044331" {
		t.Fatalf("location 201: %s", r.raw)
	}
	f := e.must(e.do("GET", "appointments?$select=subject&$filter=isalldayevent eq false and scheduledstart ge 2026-11-12T00:00:00Z", nil), 200)
	if len(f.values()) != 1 {
		t.Fatalf("filter: %s", f.raw)
	}
}

func TestAnnotationOnContact(t *testing.T) {
	e := newEnv(t, Options{})
	conID := idFromEntityID(t, e.must(e.do("POST", "contacts", map[string]any{"lastname": "Noether"}), 204).header)
	r := e.must(e.do("POST", "annotations?$select=subject,notetext,isdocument,objecttypecode,_objectid_value", map[string]any{
		"subject": "Met at the fair", "notetext": "Wants a quote", "objectid_contact@odata.bind": "/contacts(" + conID + ")"},
		"Prefer", "return=representation"), 201)
	b := r.body
	if b["subject"] != "Met at the fair" || b["notetext"] != "Wants a quote" || b["isdocument"] != false || b["objecttypecode"] != "contact" ||
		b["_objectid_value"] != conID || b["annotationid"] == nil || b["activityid"] != nil {
		t.Fatalf("created note: %s", r.raw)
	}
	id := b["annotationid"].(string)
	l := e.must(e.do("GET", "annotations?$select=subject,_objectid_value,_ownerid_value&$filter=objecttypecode eq 'contact'", nil, "Prefer", annLookup), 200)
	if v := l.values(); len(v) != 1 || v[0]["annotationid"] != id || v[0][annObject] != "contact" || v[0][annOwner] != "systemuser" {
		t.Fatalf("annotated notes: %s", l.raw)
	}
	// Re-pointed at an account: objecttypecode follows the lookup.
	accID := idFromEntityID(t, e.must(e.do("POST", "accounts", map[string]any{"name": "Fabrikam"}), 204).header)
	e.must(e.do("PATCH", "annotations("+id+")", map[string]any{"objectid_account@odata.bind": "/accounts(" + accID + ")", "objecttypecode": "contact"}), 204)
	if rec, _ := e.sim.Get("annotations", id); rec.Fields["objecttypecode"] != "account" || rec.Fields["_objectid_value"] != accID {
		t.Fatalf("re-pointed note: %+v", rec.Fields)
	}
	// Attachments are not simulated: refused, not dropped.
	for _, body := range []map[string]any{{"subject": "x", "documentbody": "aGVsbG8=", "filename": "a.txt"}, {"subject": "x", "mimetype": "text/plain"}} {
		if r := e.do("POST", "annotations", body); r.status != 400 || !strings.Contains(r.errMessage(), "not supported by this simulator") {
			t.Fatalf("attachment write: %s", r.raw)
		}
	}
	if r := e.do("GET", "annotations?$select=documentbody", nil); r.status != 400 || !strings.Contains(r.errMessage(), "documentbody") {
		t.Fatalf("attachment select: %s", r.raw)
	}
	// A note has no status, and its title is 500 characters.
	if r := e.do("GET", "annotations?$select=statecode", nil); r.status != 400 || r.errMessage() != "Could not find a property named 'statecode' on type 'Microsoft.Dynamics.CRM.annotation'." {
		t.Fatalf("statecode on a note: %s", r.raw)
	}
	if r := e.do("POST", "annotations", map[string]any{"subject": strings.Repeat("s", 501)}); r.status != 400 || r.errCode() != "0x80044331" {
		t.Fatalf("subject 501: %s", r.raw)
	}
	if r := e.do("POST", "annotations", map[string]any{"subject": "x", "regardingobjectid_contact_task@odata.bind": "/contacts(" + conID + ")"}); r.status != 400 {
		t.Fatalf("regarding on a note: %s", r.raw)
	}
	if n := e.sim.Count("annotations"); n != 1 {
		t.Fatalf("%d notes after refused creates", n)
	}
}

// A choice value outside the column's options is Dataverse's PicklistValueOutOfRange
// error in the {"error":{"code","message"}} shape, on create, update and in $batch.
func TestActivityChoiceOutOfRangeRefused(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("POST", "phonecalls", map[string]any{"subject": "x", "prioritycode": 5})
	var shape map[string]map[string]string
	if err := json.Unmarshal([]byte(r.raw), &shape); err != nil || len(shape) != 1 || len(shape["error"]) != 2 {
		t.Fatalf("error body %s (%v)", r.raw, err)
	}
	if r.status != 400 || shape["error"]["code"] != "0x8004431a" ||
		shape["error"]["message"] != "A validation error occurred. The value 5 of 'prioritycode' on record of type 'phonecall' is outside the valid range." {
		t.Fatalf("prioritycode 5: %s", r.raw)
	}
	if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("content type %q", r.header.Get("Content-Type"))
	}
	id := idFromEntityID(t, e.must(e.do("POST", "appointments", map[string]any{"subject": "x"}), 204).header)
	if r := e.do("PATCH", "appointments("+id+")", map[string]any{"statuscode": 7}); r.status != 400 || r.errCode() != "0x8004431a" ||
		r.errMessage() != "A validation error occurred. The value 7 of 'statuscode' on record of type 'appointment' is outside the valid range." {
		t.Fatalf("appointment statuscode 7: %s", r.raw)
	}
	if r := e.do("PATCH", "appointments("+id+")", map[string]any{"statecode": 4}); r.status != 400 || r.errCode() != "0x8004431a" {
		t.Fatalf("appointment statecode 4: %s", r.raw)
	}
	if _, err := e.sim.Create("phonecalls", map[string]any{"subject": "y", "statuscode": 5}); err == nil || err.(*Error).Code != "0x8004431a" {
		t.Fatalf("Go API: %v", err)
	}
	body, ctype := buildBatch([]part{
		{method: "POST", url: "/api/data/v9.2/contacts", body: `{"lastname":"Rolled back"}`, contentID: "1"},
		{method: "POST", url: "/api/data/v9.2/phonecalls", body: `{"subject":"x","prioritycode":-1,"regardingobjectid_contact_phonecall@odata.bind":"$1"}`, contentID: "2"},
	})
	br, parts := e.batch(body, ctype)
	if br.status != 400 || len(parts) != 1 || only(parts[0]).status != 400 || !strings.Contains(only(parts[0]).body, `"code":"0x8004431a"`) {
		t.Fatalf("batch: %d %+v", br.status, parts)
	}
	if e.sim.Count("contacts") != 0 || e.sim.Count("phonecalls") != 0 {
		t.Fatal("refused writes stored rows")
	}
}

func TestActivitiesBatchBindToNewContact(t *testing.T) {
	e := newEnv(t, Options{})
	body, ctype := buildBatch([]part{
		{method: "POST", url: "/api/data/v9.2/contacts", body: `{"lastname":"Batch"}`, contentID: "1"},
		{method: "POST", url: "/api/data/v9.2/phonecalls", body: `{"subject":"Call","regardingobjectid_contact_phonecall@odata.bind":"$1"}`, contentID: "2"},
		{method: "POST", url: "/api/data/v9.2/appointments", body: `{"subject":"Meet","regardingobjectid_contact_appointment@odata.bind":"$1"}`, contentID: "3"},
		{method: "POST", url: "/api/data/v9.2/annotations", body: `{"subject":"Note","objectid_contact@odata.bind":"$1"}`, contentID: "4"},
	}, part{method: "GET", url: "/api/data/v9.2/annotations?$select=subject,objecttypecode"})
	r, parts := e.batch(body, ctype)
	if r.status != 200 || len(parts) != 2 || len(parts[0].nested) != 4 || parts[1].status != 200 {
		t.Fatalf("batch: %d %+v", r.status, parts)
	}
	conID := idFromEntityID(t, parts[0].nested[0].header)
	for _, set := range []string{"phonecalls", "appointments"} {
		if recs := e.sim.Records(set); len(recs) != 1 || recs[0].Fields["_regardingobjectid_value"] != conID {
			t.Fatalf("%s: %+v", set, recs)
		}
	}
	if !strings.Contains(parts[1].body, `"objecttypecode":"contact"`) {
		t.Fatalf("GET in batch: %s", parts[1].body)
	}
	st := e.sim.Stats()
	if st["BATCH POST /api/data/v9.2/phonecalls"] != 1 || st["BATCH POST /api/data/v9.2/appointments"] != 1 ||
		st["BATCH POST /api/data/v9.2/annotations"] != 1 || st["BATCH GET /api/data/v9.2/annotations"] != 1 {
		t.Fatalf("stats %v", st)
	}
}

// Incremental reads of each new table: $filter on modifiedon, $orderby and paging cookies.
func TestActivitiesPagingByModifiedOn(t *testing.T) {
	e := newEnv(t, Options{})
	con, err := e.sim.SeedContacts([]ContactSeed{{LastName: "Pager"}})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	var calls []PhoneCallSeed
	var appts []AppointmentSeed
	var notes []AnnotationSeed
	for i := 0; i < 23; i++ {
		mod := base.Add(time.Duration(i/2) * time.Hour) // pairs share a modifiedon: the id breaks the tie
		calls = append(calls, PhoneCallSeed{Subject: fmt.Sprintf("c%02d", i), RegardingID: con[0], Created: base, Modified: mod})
		appts = append(appts, AppointmentSeed{Subject: fmt.Sprintf("a%02d", i), RegardingID: con[0], Created: base, Modified: mod})
		notes = append(notes, AnnotationSeed{Subject: fmt.Sprintf("n%02d", i), ObjectID: con[0], Created: base, Modified: mod})
	}
	if _, err := e.sim.SeedPhoneCalls(calls); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.SeedAppointments(appts); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.SeedAnnotations(notes); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ set, key, order string }{
		{"phonecalls", "activityid", "asc"}, {"appointments", "activityid", "desc"}, {"annotations", "annotationid", "asc"},
	} {
		var ids, mods []string
		next := c.set + "?$select=subject,modifiedon&$filter=modifiedon ge 2026-09-01T02:00:00Z&$orderby=modifiedon " + c.order
		pages := 0
		for next != "" {
			r := e.must(e.do("GET", next, nil, "Prefer", "odata.maxpagesize=5"), 200)
			if r.header.Get("Preference-Applied") != "odata.maxpagesize=5" {
				t.Fatalf("%s: Preference-Applied %q", c.set, r.header.Get("Preference-Applied"))
			}
			for _, v := range r.values() {
				ids = append(ids, v[c.key].(string))
				mods = append(mods, v["modifiedon"].(string))
			}
			next, _ = r.body["@odata.nextLink"].(string)
			if pages++; pages > 10 {
				t.Fatalf("%s: paging does not end", c.set)
			}
		}
		// Rows 4..22 have modifiedon >= 02:00: 19 rows in 4 pages.
		if len(ids) != 19 || pages != 4 {
			t.Fatalf("%s: %d rows in %d pages", c.set, len(ids), pages)
		}
		if u := slices.Compact(slices.Sorted(slices.Values(ids))); len(u) != 19 {
			t.Fatalf("%s: duplicates", c.set)
		}
		sorted := slices.IsSorted(mods)
		if c.order == "desc" {
			sorted = slices.IsSortedFunc(mods, func(a, b string) int { return strings.Compare(b, a) })
		}
		if !sorted {
			t.Fatalf("%s: not ordered by modifiedon %s: %v", c.set, c.order, mods)
		}
	}
}

func TestActivitiesMetadata(t *testing.T) {
	e := newEnv(t, Options{})
	rels := map[string]string{
		"phonecall":   "Account_Phonecalls regardingobjectid_account_phonecall Cascade,Contact_Phonecalls regardingobjectid_contact_phonecall Cascade,Opportunity_Phonecalls regardingobjectid_opportunity_phonecall Cascade",
		"appointment": "Account_Appointments regardingobjectid_account_appointment Cascade,Contact_Appointments regardingobjectid_contact_appointment Cascade,Opportunity_Appointments regardingobjectid_opportunity_appointment Cascade",
		"annotation":  "Account_Annotation objectid_account Cascade,Contact_Annotation objectid_contact Cascade,Opportunity_Annotation objectid_opportunity Cascade",
	}
	for logical, want := range rels {
		r := e.must(e.do("GET", "EntityDefinitions(LogicalName='"+logical+"')/ManyToOneRelationships?$select=SchemaName,ReferencedEntity,ReferencingEntityNavigationPropertyName,CascadeConfiguration", nil), 200)
		var got []string
		for _, v := range r.values() {
			got = append(got, fmt.Sprintf("%v %v %v", v["SchemaName"], v["ReferencingEntityNavigationPropertyName"], v["CascadeConfiguration"].(map[string]any)["Delete"]))
		}
		if strings.Join(got, ",") != want {
			t.Fatalf("%s relationships %v", logical, got)
		}
	}
	// Entity definitions.
	for _, c := range []struct {
		logical, set, id string
		activity         bool
		otc              float64
	}{{"phonecall", "phonecalls", "activityid", true, 4210}, {"appointment", "appointments", "activityid", true, 4201}, {"annotation", "annotations", "annotationid", false, 5}} {
		r := e.must(e.do("GET", "EntityDefinitions(LogicalName='"+c.logical+"')?$select=EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,IsActivity,ObjectTypeCode", nil), 200)
		if r.body["EntitySetName"] != c.set || r.body["PrimaryIdAttribute"] != c.id || r.body["PrimaryNameAttribute"] != "subject" ||
			r.body["IsActivity"] != c.activity || r.body["ObjectTypeCode"] != c.otc {
			t.Fatalf("%s: %s", c.logical, r.raw)
		}
	}
	// Choices: the picklist, the status reasons with their states, the booleans' labels.
	r := e.must(e.do("GET", "EntityDefinitions(LogicalName='phonecall')/Attributes(LogicalName='prioritycode')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)", nil), 200)
	if opts := optionList(r.body["OptionSet"]); opts != "0=Low,1=Normal,2=High" {
		t.Fatalf("prioritycode %s", opts)
	}
	for logical, want := range map[string]string{"phonecall": "1=Open/0,2=Made/1,3=Canceled/2,4=Received/1",
		"appointment": "1=Free/0,2=Tentative/0,3=Completed/1,4=Canceled/2,5=Busy/3,6=Out of Office/3"} {
		r := e.must(e.do("GET", "EntityDefinitions(LogicalName='"+logical+"')/Attributes(LogicalName='statuscode')/Microsoft.Dynamics.CRM.StatusAttributeMetadata?$expand=OptionSet", nil), 200)
		if opts := optionList(r.body["OptionSet"]); opts != want {
			t.Fatalf("%s statuscode %s", logical, opts)
		}
	}
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='appointment')/Attributes(LogicalName='statecode')/Microsoft.Dynamics.CRM.StateAttributeMetadata?$expand=OptionSet($select=Options)", nil), 200)
	var states []string
	for _, o := range r.body["OptionSet"].(map[string]any)["Options"].([]any) {
		m := o.(map[string]any)
		states = append(states, fmt.Sprintf("%v>%v", m["Value"], m["DefaultStatus"]))
	}
	if strings.Join(states, ",") != "0>1,1>3,2>4,3>5" {
		t.Fatalf("appointment statecode %v", states)
	}
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='phonecall')/Attributes/Microsoft.Dynamics.CRM.BooleanAttributeMetadata?$select=LogicalName,DefaultValue&$expand=OptionSet", nil), 200)
	if v := r.values(); len(v) != 1 || v[0]["LogicalName"] != "directioncode" || v[0]["DefaultValue"] != true {
		t.Fatalf("booleans: %s", r.raw)
	}
	os := r.values()[0]["OptionSet"].(map[string]any)
	if os["OptionSetType"] != "Boolean" || optionLabel(os["TrueOption"]) != "1=Outgoing" || optionLabel(os["FalseOption"]) != "0=Incoming" {
		t.Fatalf("directioncode options: %v", os)
	}
	// Lookups: regarding and owner targets; the EntityName and DateTime formats.
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='appointment')/Attributes/Microsoft.Dynamics.CRM.LookupAttributeMetadata?$select=LogicalName,AttributeType,Targets", nil), 200)
	var lookups []string
	for _, v := range r.values() {
		lookups = append(lookups, fmt.Sprintf("%v:%v:%v", v["LogicalName"], v["AttributeType"], v["Targets"]))
	}
	if strings.Join(lookups, ",") != "regardingobjectid:Lookup:[account contact opportunity],ownerid:Owner:[systemuser team]" {
		t.Fatalf("appointment lookups %v", lookups)
	}
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='annotation')/Attributes/Microsoft.Dynamics.CRM.EntityNameAttributeMetadata?$select=LogicalName,AttributeType", nil), 200)
	if v := r.values(); len(v) != 1 || v[0]["LogicalName"] != "objecttypecode" || v[0]["AttributeType"] != "EntityName" {
		t.Fatalf("entity names: %s", r.raw)
	}
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='phonecall')/Attributes/Microsoft.Dynamics.CRM.DateTimeAttributeMetadata?$select=LogicalName,Format", nil), 200)
	formats := map[string]any{}
	for _, v := range r.values() {
		formats[v["LogicalName"].(string)] = v["Format"]
	}
	if formats["scheduledend"] != "DateAndTime" || formats["actualend"] != "DateOnly" || formats["modifiedon"] != "DateAndTime" {
		t.Fatalf("phonecall formats %v", formats)
	}
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='annotation')/Attributes?$select=LogicalName", nil), 200)
	var cols []string
	for _, v := range r.values() {
		cols = append(cols, v["LogicalName"].(string))
	}
	if strings.Join(cols, ",") != "annotationid,subject,notetext,isdocument,objectid,objecttypecode,ownerid,createdon,modifiedon" {
		t.Fatalf("annotation columns %v", cols)
	}
}

func optionLabel(o any) string {
	m, _ := o.(map[string]any)
	l, _ := m["Label"].(map[string]any)
	ul, _ := l["UserLocalizedLabel"].(map[string]any)
	return fmt.Sprintf("%v=%v", m["Value"], ul["Label"])
}

func optionList(set any) string {
	m, _ := set.(map[string]any)
	opts, _ := m["Options"].([]any)
	var out []string
	for _, o := range opts {
		s := optionLabel(o)
		if st, ok := o.(map[string]any)["State"]; ok {
			s += fmt.Sprintf("/%v", st)
		}
		out = append(out, s)
	}
	return strings.Join(out, ",")
}

// Contact_Phonecalls, Contact_Appointments and Contact_Annotation are Delete: Cascade
// (contact table reference), and so are the opportunity relationships, so rows regarding
// an opportunity deleted through opportunity_customer_contacts go too.
func TestDeletingContactCascadesActivities(t *testing.T) {
	e := newEnv(t, Options{})
	con, _ := e.sim.SeedContacts([]ContactSeed{{LastName: "Gone"}, {LastName: "Stays"}})
	opps, err := e.sim.SeedOpportunities([]OpportunitySeed{{Name: "customer is Gone", CustomerID: con[0], CustomerTable: "contact"}})
	if err != nil {
		t.Fatal(err)
	}
	calls, err := e.sim.SeedPhoneCalls([]PhoneCallSeed{{Subject: "Gone", RegardingID: con[0]}, {Subject: "Stays", RegardingID: con[1]},
		{Subject: "opp", RegardingID: opps[0], RegardingTable: "opportunity"}, {Subject: "none"}})
	if err != nil {
		t.Fatal(err)
	}
	appts, err := e.sim.SeedAppointments([]AppointmentSeed{{Subject: "Gone", RegardingID: con[0]}, {Subject: "Stays", RegardingID: con[1]}})
	if err != nil {
		t.Fatal(err)
	}
	notes, err := e.sim.SeedAnnotations([]AnnotationSeed{{Subject: "Gone", ObjectID: con[0]}, {Subject: "Stays", ObjectID: con[1]},
		{Subject: "opp", ObjectID: opps[0], ObjectTable: "opportunity"}})
	if err != nil {
		t.Fatal(err)
	}
	track := e.must(e.do("GET", "phonecalls?$select=subject", nil, "Prefer", "odata.track-changes"), 200)
	delta, _ := track.body["@odata.deltaLink"].(string)
	e.clk.add(time.Hour)
	e.must(e.do("DELETE", "contacts("+con[0]+")", nil), 204)
	gone := map[string][]string{"phonecalls": {calls[0], calls[2]}, "appointments": {appts[0]}, "annotations": {notes[0], notes[2]},
		"opportunities": {opps[0]}}
	for set, ids := range gone {
		for _, id := range ids {
			if _, ok := e.sim.Get(set, id); ok {
				t.Errorf("%s %s survived the contact's deletion", set, id)
			}
		}
	}
	if e.sim.Count("phonecalls") != 2 || e.sim.Count("appointments") != 1 || e.sim.Count("annotations") != 1 || e.sim.Count("contacts") != 1 {
		t.Fatalf("unrelated rows deleted: %d %d %d", e.sim.Count("phonecalls"), e.sim.Count("appointments"), e.sim.Count("annotations"))
	}
	if rec, ok := e.sim.Get("phonecalls", calls[1]); !ok || rec.Fields["_regardingobjectid_value"] != con[1] || !rec.Modified.Equal(rec.Created) {
		t.Fatalf("unrelated call changed: %+v", rec)
	}
	// Change tracking reports the cascaded deletions.
	d := e.must(e.do("GET", delta, nil), 200)
	var deleted []string
	for _, v := range d.values() {
		if v["reason"] == "deleted" {
			deleted = append(deleted, v["id"].(string))
		}
	}
	slices.Sort(deleted)
	want := []string{calls[0], calls[2]}
	slices.Sort(want)
	if !slices.Equal(deleted, want) {
		t.Fatalf("delta deletions %v, want %v: %s", deleted, want, d.raw)
	}
}

func TestSeedPhoneCallsAppointmentsAnnotations(t *testing.T) {
	e := newEnv(t, Options{})
	con, _ := e.sim.SeedContacts([]ContactSeed{{LastName: "Seeded"}})
	acc, _ := e.sim.SeedAccounts([]AccountSeed{{Name: "Seeded"}})
	created := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	modified := created.Add(48 * time.Hour)
	in, prio, dur, state := false, 2, 15, 1
	zone := time.FixedZone("x", 2*3600)
	calls, err := e.sim.SeedPhoneCalls([]PhoneCallSeed{{Subject: "Called", PhoneNumber: "+44 20 7946 0000", Outgoing: &in, PriorityCode: &prio,
		ActualDurationMinutes: &dur, ActualEnd: time.Date(2025, 3, 5, 10, 0, 0, 0, zone), StateCode: &state, RegardingID: con[0],
		Created: created, Modified: modified}})
	if err != nil {
		t.Fatal(err)
	}
	r := e.must(e.do("GET", "phonecalls("+calls[0]+")?$select=subject,phonenumber,directioncode,prioritycode,actualdurationminutes,actualend,statecode,statuscode,createdon,modifiedon,_regardingobjectid_value,_ownerid_value",
		nil, "Prefer", annLookup), 200)
	b := r.body
	if b["directioncode"] != false || b["prioritycode"] != float64(2) || b["actualdurationminutes"] != float64(15) || b["actualend"] != "2025-03-05T08:00:00Z" ||
		b["statecode"] != float64(1) || b["statuscode"] != float64(2) || b["createdon"] != "2025-03-04T05:06:07Z" || b["modifiedon"] != "2025-03-06T05:06:07Z" ||
		b[annRegarding] != "contact" || b["_ownerid_value"] != e.sim.UserID() || b[annOwner] != "systemuser" {
		t.Fatalf("seeded call: %s", r.raw)
	}
	appts, err := e.sim.SeedAppointments([]AppointmentSeed{{Subject: "Lunch", Location: "Cafe", IsAllDayEvent: true,
		ScheduledStart: time.Date(2025, 4, 1, 12, 0, 0, 0, zone), ScheduledEnd: time.Date(2025, 4, 1, 13, 0, 0, 0, zone),
		RegardingID: acc[0], RegardingTable: "account"}})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := e.sim.Get("appointments", appts[0])
	if a.Fields["location"] != "Cafe" || a.Fields["isalldayevent"] != true || a.Fields["scheduledstart"] != time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC) ||
		a.Fields["statuscode"] != int64(1) || a.Fields["_regardingobjectid_value"] != acc[0] || !a.Created.Equal(e.clk.now()) {
		t.Fatalf("seeded appointment: %+v", a)
	}
	notes, err := e.sim.SeedAnnotations([]AnnotationSeed{{Subject: "Noted", NoteText: "text", ObjectID: con[0], Created: created}})
	if err != nil {
		t.Fatal(err)
	}
	n, _ := e.sim.Get("annotations", notes[0])
	if n.Fields["notetext"] != "text" || n.Fields["objecttypecode"] != "contact" || n.Fields["isdocument"] != false ||
		n.Fields["_ownerid_value"] != e.sim.UserID() || !n.Modified.Equal(created) {
		t.Fatalf("seeded note: %+v", n)
	}
	// Refusals: a bad choice, a missing or wrong-table row, an over-long string.
	bad := 3
	if _, err := e.sim.SeedPhoneCalls([]PhoneCallSeed{{Subject: "x", PriorityCode: &bad}}); err == nil {
		t.Fatal("prioritycode 3 seeded")
	}
	if _, err := e.sim.SeedAppointments([]AppointmentSeed{{Subject: "x", RegardingID: acc[0]}}); err == nil {
		t.Fatal("an account id seeded as the regarding contact")
	}
	if _, err := e.sim.SeedAnnotations([]AnnotationSeed{{Subject: "x", ObjectID: con[0], ObjectTable: "task"}}); err == nil {
		t.Fatal("a note on a table objectid cannot refer to")
	}
	if ids, err := e.sim.SeedAnnotations([]AnnotationSeed{{Subject: "kept"}, {Subject: strings.Repeat("s", 501)}}); err == nil || len(ids) != 1 {
		t.Fatalf("subject 501 seeded: %v %v", ids, err)
	}
	if e.sim.Count("phonecalls") != 1 || e.sim.Count("appointments") != 1 || e.sim.Count("annotations") != 2 {
		t.Fatal("refused seeds stored rows")
	}
}
