package dynamics

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

const annLookup = `odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"`

func TestOpportunityBoundToAccount(t *testing.T) {
	e := newEnv(t, Options{})
	accID := idFromEntityID(t, e.must(e.do("POST", "accounts", map[string]any{"name": "Contoso"}), 204).header)
	conID := idFromEntityID(t, e.must(e.do("POST", "contacts", map[string]any{"lastname": "Ng"}), 204).header)
	r := e.must(e.do("POST", "opportunities", map[string]any{"name": "Big deal", "estimatedvalue": 12500.5, "estimatedclosedate": "2026-12-31",
		"closeprobability": 40, "salesstage": 1, "stepname": "2-Develop", "description": "notes",
		"parentaccountid@odata.bind": "/accounts(" + accID + ")", "parentcontactid@odata.bind": "/contacts(" + conID + ")",
		"customerid_account@odata.bind": "/accounts(" + accID + ")"}), 204)
	if !strings.HasPrefix(r.header.Get("OData-EntityId"), e.base+"/api/data/v9.2/opportunities(") {
		t.Fatalf("OData-EntityId %q", r.header.Get("OData-EntityId"))
	}
	id := idFromEntityID(t, r.header)
	got := e.must(e.do("GET", "opportunities("+id+")?$select=name,_parentaccountid_value,_parentcontactid_value,_customerid_value,estimatedvalue,estimatedclosedate,closeprobability,salesstage,statecode,statuscode",
		nil, "Prefer", annLookup), 200)
	b := got.body
	if b["opportunityid"] != id || b["name"] != "Big deal" || b["_parentaccountid_value"] != accID || b["_parentcontactid_value"] != conID ||
		b["_customerid_value"] != accID || b["estimatedvalue"] != 12500.5 || b["estimatedclosedate"] != "2026-12-31" ||
		b["closeprobability"] != float64(40) || b["salesstage"] != float64(1) || b["statecode"] != float64(0) || b["statuscode"] != float64(1) {
		t.Fatalf("retrieve: %s", got.raw)
	}
	if b["_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"] != "account" ||
		b["_parentcontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname"] != "contact" {
		t.Fatalf("annotations: %s", got.raw)
	}
	if got.body["@odata.context"] != e.base+"/api/data/v9.2/$metadata#opportunities(name,_parentaccountid_value,_parentcontactid_value,_customerid_value,estimatedvalue,estimatedclosedate,closeprobability,salesstage,statecode,statuscode)/$entity" {
		t.Fatalf("context %v", got.body["@odata.context"])
	}

	// Binding to a missing row is the row-not-found 404.
	missing := "00000000-0000-0000-0000-000000000001"
	nf := e.do("POST", "opportunities", map[string]any{"name": "x", "parentaccountid@odata.bind": "/accounts(" + missing + ")"})
	if nf.status != 404 || nf.errCode() != "0x80040217" || nf.errMessage() != "account With Id = "+missing+" Does Not Exist" {
		t.Fatalf("missing bind: %s", nf.raw)
	}
	// A navigation property of another table is undeclared.
	if r := e.do("POST", "opportunities", map[string]any{"name": "x", "parentcustomerid_account@odata.bind": "/accounts(" + accID + ")"}); r.status != 400 ||
		!strings.Contains(r.errMessage(), "undeclared property 'parentcustomerid_account'") {
		t.Fatalf("undeclared nav: %s", r.raw)
	}
	if r := e.do("POST", "opportunities", map[string]any{"name": strings.Repeat("n", 301)}); r.status != 400 || r.errCode() != "0x80044331" {
		t.Fatalf("name 301: %s", r.raw)
	}
	if r := e.do("POST", "opportunities", map[string]any{"name": "x", "closeprobability": 101}); r.status != 400 || !strings.Contains(r.errMessage(), "outside the valid range") {
		t.Fatalf("closeprobability 101: %s", r.raw)
	}
	if r := e.do("POST", "opportunities", map[string]any{"name": "x", "estimatedvalue": 2e12}); r.status != 400 {
		t.Fatalf("estimatedvalue 2e12: %s", r.raw)
	}
	if n := e.sim.Count("opportunities"); n != 1 {
		t.Fatalf("%d opportunities after refused creates", n)
	}

	// Upsert conditions, filter on Money and the choice, delete.
	e.must(e.do("PATCH", "opportunities("+id+")", map[string]any{"name": "x"}, "If-None-Match", "*"), 412)
	e.must(e.do("PATCH", "opportunities("+missing+")", map[string]any{"name": "x"}, "If-Match", "*"), 404)
	e.clk.add(time.Minute)
	e.must(e.do("PATCH", "opportunities("+id+")", map[string]any{"salesstage": 2, "parentcontactid@odata.bind": nil}, "If-Match", "*"), 204)
	created := e.must(e.do("PATCH", "opportunities(00000000-0000-0000-0000-0000000000aa)", map[string]any{"name": "Upserted", "estimatedvalue": 10}), 204)
	if idFromEntityID(t, created.header) != "00000000-0000-0000-0000-0000000000aa" {
		t.Fatal("upsert did not create with the URL id")
	}
	list := e.must(e.do("GET", "opportunities?$select=name&$filter=estimatedvalue gt 10000.25 and salesstage eq 2&$orderby=name", nil), 200)
	if v := list.values(); len(v) != 1 || v[0]["name"] != "Big deal" || v[0]["opportunityid"] != id {
		t.Fatalf("filter: %s", list.raw)
	}
	after, _ := e.sim.Get("opportunities", id)
	if after.Fields["_parentcontactid_value"] != nil || after.Fields["salesstage"] != int64(2) || after.Modified != e.clk.now().Truncate(time.Second) {
		t.Fatalf("after PATCH: %+v", after)
	}
	e.must(e.do("DELETE", "opportunities("+id+")", nil), 204)
	e.must(e.do("GET", "opportunities("+id+")", nil), 404)
	st := e.sim.Stats()
	for _, k := range []string{"POST /api/data/v9.2/opportunities", "GET /api/data/v9.2/opportunities({id})", "PATCH /api/data/v9.2/opportunities({id})",
		"DELETE /api/data/v9.2/opportunities({id})", "GET /api/data/v9.2/opportunities"} {
		if st[k] == 0 {
			t.Errorf("stats lack %q: %v", k, st)
		}
	}
}

func TestTaskRegardingContact(t *testing.T) {
	e := newEnv(t, Options{})
	conID := idFromEntityID(t, e.must(e.do("POST", "contacts", map[string]any{"lastname": "Lovelace"}), 204).header)
	r := e.must(e.do("POST", "tasks?$select=subject,_regardingobjectid_value,scheduledend,statuscode,prioritycode", map[string]any{
		"subject": "Call back", "scheduledend": "2026-11-10T17:00:00+02:00", "prioritycode": 2, "percentcomplete": 10, "actualdurationminutes": 30,
		"regardingobjectid_contact_task@odata.bind": "/contacts(" + conID + ")"}, "Prefer", "return=representation"), 201)
	if r.body["subject"] != "Call back" || r.body["scheduledend"] != "2026-11-10T15:00:00Z" || r.body["statuscode"] != float64(2) ||
		r.body["prioritycode"] != float64(2) || r.body["_regardingobjectid_value"] != conID || r.body["activityid"] == nil {
		t.Fatalf("created task: %s", r.raw)
	}
	taskID := r.body["activityid"].(string)
	const ann = "_regardingobjectid_value@Microsoft.Dynamics.CRM.lookuplogicalname"
	l := e.must(e.do("GET", "tasks?$select=subject,_regardingobjectid_value", nil, "Prefer", annLookup), 200)
	if v := l.values(); len(v) != 1 || v[0]["_regardingobjectid_value"] != conID || v[0][ann] != "contact" || v[0]["activityid"] != taskID {
		t.Fatalf("annotated list: %s", l.raw)
	}
	if v := e.must(e.do("GET", "tasks?$select=_regardingobjectid_value", nil), 200).values(); v[0][ann] != nil {
		t.Fatal("annotation without the preference")
	}
	one := e.must(e.do("GET", "tasks("+taskID+")?$select=_regardingobjectid_value", nil, "Prefer", `odata.include-annotations="*"`), 200)
	if one.body[ann] != "contact" {
		t.Fatalf("annotated retrieve: %s", one.raw)
	}
	// Filter by the polymorphic lookup's value and by the due date.
	f := e.must(e.do("GET", "tasks?$select=subject&$filter=_regardingobjectid_value eq "+conID+" and scheduledend lt 2026-11-11T00:00:00Z", nil), 200)
	if len(f.values()) != 1 {
		t.Fatalf("filter: %s", f.raw)
	}
	// Re-point to an opportunity; its annotation follows.
	oppID := idFromEntityID(t, e.must(e.do("POST", "opportunities", map[string]any{"name": "Deal"}), 204).header)
	e.must(e.do("PATCH", "tasks("+taskID+")", map[string]any{"regardingobjectid_opportunity_task@odata.bind": "/opportunities(" + oppID + ")"}), 204)
	l = e.must(e.do("GET", "tasks?$select=_regardingobjectid_value", nil, "Prefer", annLookup), 200)
	if v := l.values(); v[0]["_regardingobjectid_value"] != oppID || v[0][ann] != "opportunity" {
		t.Fatalf("after re-pointing: %s", l.raw)
	}
	// The navigation property decides the table: a contact's navigation with an account URL is refused.
	if r := e.do("POST", "tasks", map[string]any{"subject": "x", "regardingobjectid_contact_task@odata.bind": "/accounts(" + conID + ")"}); r.status != 400 {
		t.Fatalf("mismatched bind: %s", r.raw)
	}
	if r := e.do("POST", "tasks", map[string]any{"subject": "x", "regardingobjectid_account_task@odata.bind": "/accounts(" + conID + ")"}); r.status != 404 {
		t.Fatalf("bind to a missing account: %s", r.raw)
	}
	if r := e.do("POST", "tasks", map[string]any{"subject": "x", "_regardingobjectid_value": conID}); r.status != 400 {
		t.Fatalf("direct lookup write: %s", r.raw)
	}
	if r := e.do("POST", "tasks", map[string]any{"subject": "x", "scheduledend": "tomorrow"}); r.status != 400 {
		t.Fatalf("bad date-time: %s", r.raw)
	}
	// Completing sets the state's default status (5 Completed).
	e.must(e.do("PATCH", "tasks("+taskID+")", map[string]any{"statecode": 1}), 204)
	if rec, _ := e.sim.Get("tasks", taskID); rec.Fields["statecode"] != int64(1) || rec.Fields["statuscode"] != int64(5) {
		t.Fatalf("completed: %+v", rec.Fields)
	}
	if e.sim.Stats()["GET /api/data/v9.2/tasks"] == 0 {
		t.Fatal("stats")
	}
}

func TestTaskPagingByModifiedOn(t *testing.T) {
	e := newEnv(t, Options{})
	acc, err := e.sim.SeedAccounts([]AccountSeed{{Name: "A"}})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	var rows []TaskSeed
	for i := 0; i < 25; i++ {
		// pairs share a modifiedon so the id tie-break matters
		rows = append(rows, TaskSeed{Subject: fmt.Sprintf("t%02d", i), RegardingID: acc[0], RegardingTable: "account",
			Created: base, Modified: base.Add(time.Duration(i/2) * time.Hour)})
	}
	ids, err := e.sim.SeedTasks(rows)
	if err != nil || len(ids) != 25 {
		t.Fatal(ids, err)
	}
	var got []string
	var mods []string
	next := "tasks?$select=subject,modifiedon&$orderby=modifiedon asc&$filter=modifiedon ge 2026-09-01T00:00:00Z"
	for page := 1; next != ""; page++ {
		r := e.must(e.do("GET", next, nil, "Prefer", "odata.maxpagesize=10"), 200)
		for _, v := range r.values() {
			got = append(got, v["activityid"].(string))
			mods = append(mods, v["modifiedon"].(string))
		}
		next, _ = r.body["@odata.nextLink"].(string)
		if page == 1 {
			// A row changed between pages moves past the cursor and is read again later, once.
			e.clk.add(24 * 365 * time.Hour)
			if _, err := e.sim.Update("tasks", got[0], map[string]any{"subject": "moved"}); err != nil {
				t.Fatal(err)
			}
		}
		if page > 10 {
			t.Fatal("paging does not end")
		}
	}
	if len(got) != 26 || got[25] != got[0] {
		t.Fatalf("%d rows: %v", len(got), got)
	}
	uniq := slices.Clone(got[:25])
	slices.Sort(uniq)
	if len(slices.Compact(uniq)) != 25 {
		t.Fatal("duplicates within the first pass")
	}
	if !slices.IsSorted(mods) {
		t.Fatalf("not ordered by modifiedon: %v", mods)
	}
}

func TestPicklistMetadataExpand(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.must(e.do("GET", "EntityDefinitions(LogicalName='opportunity')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)", nil), 200)
	v := r.values()
	if len(v) != 1 || v[0]["LogicalName"] != "salesstage" || v[0]["MetadataId"] == nil || v[0]["@odata.type"] != "#Microsoft.Dynamics.CRM.PicklistAttributeMetadata" {
		t.Fatalf("picklists: %s", r.raw)
	}
	if ctx, _ := r.body["@odata.context"].(string); !strings.HasSuffix(ctx, "/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata(LogicalName,OptionSet(Options))") {
		t.Fatalf("context %q", ctx)
	}
	os := v[0]["OptionSet"].(map[string]any)
	if os["MetadataId"] == nil || os["Name"] != nil {
		t.Fatalf("OptionSet $select: %v", os)
	}
	var got []string
	for _, o := range os["Options"].([]any) {
		m := o.(map[string]any)
		lb := m["Label"].(map[string]any)
		ul := lb["UserLocalizedLabel"].(map[string]any)
		ll := lb["LocalizedLabels"].([]any)[0].(map[string]any)
		if ll["Label"] != ul["Label"] || ll["LanguageCode"] != float64(1033) {
			t.Fatalf("labels: %v", lb)
		}
		got = append(got, fmt.Sprintf("%v=%v", m["Value"], ul["Label"]))
	}
	if strings.Join(got, ",") != "0=Qualify,1=Develop,2=Propose,3=Close" {
		t.Fatalf("salesstage options %v", got)
	}
	// task.prioritycode is a global choice: GlobalOptionSet is expanded too.
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='task')/Attributes(LogicalName='prioritycode')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options),GlobalOptionSet($select=Options,Name)", nil), 200)
	g, _ := r.body["GlobalOptionSet"].(map[string]any)
	if g == nil || g["Name"] != "task_prioritycode" || len(g["Options"].([]any)) != 3 || len(r.body["OptionSet"].(map[string]any)["Options"].([]any)) != 3 {
		t.Fatalf("prioritycode: %s", r.raw)
	}
	// Contacts and accounts have no picklist columns here; their status reasons expand the same way.
	if r := e.must(e.do("GET", "EntityDefinitions(LogicalName='contact')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)", nil), 200); len(r.values()) != 0 {
		t.Fatalf("contact picklists: %s", r.raw)
	}
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='task')/Attributes(LogicalName='statuscode')/Microsoft.Dynamics.CRM.StatusAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)", nil), 200)
	var st []string
	for _, o := range r.body["OptionSet"].(map[string]any)["Options"].([]any) {
		m := o.(map[string]any)
		st = append(st, fmt.Sprintf("%v/%v", m["Value"], m["State"]))
	}
	if strings.Join(st, ",") != "2/0,3/0,4/0,5/1,6/2,7/0" {
		t.Fatalf("task statuscode options %v", st)
	}
	if r := e.do("GET", "EntityDefinitions(LogicalName='task')/Attributes/Microsoft.Dynamics.CRM.StringAttributeMetadata?$expand=OptionSet", nil); r.status != 400 {
		t.Fatalf("OptionSet on strings: %s", r.raw)
	}
	// DateTime formats and the Money cast.
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='opportunity')/Attributes/Microsoft.Dynamics.CRM.DateTimeAttributeMetadata?$select=LogicalName,Format", nil), 200)
	formats := map[string]any{}
	for _, v := range r.values() {
		formats[v["LogicalName"].(string)] = v["Format"]
	}
	if formats["estimatedclosedate"] != "DateOnly" || formats["actualclosedate"] != "DateOnly" || formats["createdon"] != "DateAndTime" {
		t.Fatalf("opportunity formats %v", formats)
	}
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='task')/Attributes(LogicalName='scheduledend')/Microsoft.Dynamics.CRM.DateTimeAttributeMetadata?$select=Format", nil), 200)
	if r.body["Format"] != "DateAndTime" {
		t.Fatalf("scheduledend: %s", r.raw)
	}
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='opportunity')/Attributes/Microsoft.Dynamics.CRM.MoneyAttributeMetadata?$select=LogicalName,Precision,MaxValue", nil), 200)
	// Est. Revenue and Actual Revenue, both of the reference's range.
	if v := r.values(); len(v) != 2 || v[0]["LogicalName"] != "estimatedvalue" || v[1]["LogicalName"] != "actualvalue" ||
		v[0]["Precision"] != float64(2) || v[0]["MaxValue"] != float64(1e12) || v[1]["Precision"] != float64(2) || v[1]["MaxValue"] != float64(1e12) {
		t.Fatalf("money: %s", r.raw)
	}
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='task')?$select=PrimaryIdAttribute,PrimaryNameAttribute,IsActivity,EntitySetName", nil), 200)
	if r.body["PrimaryIdAttribute"] != "activityid" || r.body["PrimaryNameAttribute"] != "subject" || r.body["IsActivity"] != true || r.body["EntitySetName"] != "tasks" {
		t.Fatalf("task entity: %s", r.raw)
	}
	r = e.must(e.do("GET", "EntityDefinitions?$select=LogicalName", nil), 200)
	var names []string
	for _, v := range r.values() {
		names = append(names, v["LogicalName"].(string))
	}
	if strings.Join(names, ",") != "account,annotation,appointment,contact,crmsync_project,lead,opportunity,phonecall,systemuser,task,transactioncurrency" {
		t.Fatalf("entity list %v", names)
	}
}

func TestInvalidPicklistValueRefused(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("POST", "opportunities", map[string]any{"name": "x", "salesstage": 7})
	if r.status != 400 || r.errCode() != "0x8004431a" ||
		r.errMessage() != "A validation error occurred. The value 7 of 'salesstage' on record of type 'opportunity' is outside the valid range." {
		t.Fatalf("salesstage 7: %s", r.raw)
	}
	id := idFromEntityID(t, e.must(e.do("POST", "tasks", map[string]any{"subject": "x", "prioritycode": 0}), 204).header)
	if r := e.do("PATCH", "tasks("+id+")", map[string]any{"prioritycode": 3}); r.status != 400 || r.errCode() != "0x8004431a" {
		t.Fatalf("prioritycode 3: %s", r.raw)
	}
	if r := e.do("PATCH", "tasks("+id+")", map[string]any{"statuscode": 1}); r.status != 400 || r.errCode() != "0x8004431a" {
		t.Fatalf("task statuscode 1: %s", r.raw)
	}
	if r := e.do("PATCH", "tasks("+id+")", map[string]any{"prioritycode": "High"}); r.status != 400 {
		t.Fatalf("string choice: %s", r.raw)
	}
	if _, err := e.sim.Create("opportunities", map[string]any{"name": "y", "salesstage": -1}); err == nil || err.(*Error).Code != "0x8004431a" {
		t.Fatalf("Go API: %v", err)
	}
	if rec, _ := e.sim.Get("tasks", id); rec.Fields["prioritycode"] != int64(0) || e.sim.Count("opportunities") != 0 {
		t.Fatalf("state after refusals: %+v", rec.Fields)
	}
}

func TestTaskManyToOneRelationships(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.must(e.do("GET", "EntityDefinitions(LogicalName='task')/ManyToOneRelationships?$select=SchemaName,ReferencingAttribute,ReferencedEntity,ReferencingEntityNavigationPropertyName,CascadeConfiguration", nil), 200)
	navs := map[string]string{}
	for _, v := range r.values() {
		if v["ReferencingAttribute"] == "regardingobjectid" {
			navs[v["ReferencedEntity"].(string)] = v["SchemaName"].(string) + " " + v["ReferencingEntityNavigationPropertyName"].(string) + " " +
				v["CascadeConfiguration"].(map[string]any)["Delete"].(string)
		}
	}
	want := map[string]string{"account": "Account_Tasks regardingobjectid_account_task Cascade",
		"contact": "Contact_Tasks regardingobjectid_contact_task Cascade", "opportunity": "Opportunity_Tasks regardingobjectid_opportunity_task Cascade"}
	if fmt.Sprint(navs) != fmt.Sprint(want) {
		t.Fatalf("regarding relationships %v\n%s", navs, r.raw)
	}
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='opportunity')/ManyToOneRelationships?$select=ReferencingAttribute,ReferencedEntity,ReferencingEntityNavigationPropertyName", nil), 200)
	var got []string
	for _, v := range r.values() {
		got = append(got, fmt.Sprintf("%v>%v=%v", v["ReferencingAttribute"], v["ReferencedEntity"], v["ReferencingEntityNavigationPropertyName"]))
	}
	if strings.Join(got, ",") != "parentaccountid>account=parentaccountid,parentcontactid>contact=parentcontactid,customerid>account=customerid_account,customerid>contact=customerid_contact,originatingleadid>lead=originatingleadid,transactioncurrencyid>transactioncurrency=transactioncurrencyid" {
		t.Fatalf("opportunity relationships %v", got)
	}
}

func TestBatchMixesTasksAndOpportunities(t *testing.T) {
	e := newEnv(t, Options{})
	accID := idFromEntityID(t, e.must(e.do("POST", "accounts", map[string]any{"name": "Contoso"}), 204).header)
	ok, ctype := buildBatch([]part{
		{method: "POST", url: "/api/data/v9.2/opportunities", body: `{"name":"Deal","salesstage":0,"customerid_account@odata.bind":"/accounts(` + accID + `)"}`, contentID: "1"},
		{method: "POST", url: "/api/data/v9.2/tasks", body: `{"subject":"Follow up","regardingobjectid_opportunity_task@odata.bind":"$1"}`, contentID: "2"},
	}, part{method: "POST", url: "/api/data/v9.2/tasks", body: `{"subject":"About the account","regardingobjectid_account_task@odata.bind":"/accounts(` + accID + `)"}`},
		part{method: "GET", url: "/api/data/v9.2/tasks?$select=subject&$orderby=subject"})
	r, parts := e.batch(ok, ctype)
	if r.status != 200 || len(parts) != 3 || len(parts[0].nested) != 2 || parts[1].status != 204 || parts[2].status != 200 {
		t.Fatalf("batch: %d %+v", r.status, parts)
	}
	oppID := idFromEntityID(t, parts[0].nested[0].header)
	tasks := e.sim.Records("tasks")
	if len(tasks) != 2 {
		t.Fatalf("tasks %+v", tasks)
	}
	byRegarding := map[any]string{}
	for _, tk := range tasks {
		byRegarding[tk.Fields["_regardingobjectid_value"]] = tk.Fields["subject"].(string)
	}
	if byRegarding[oppID] != "Follow up" || byRegarding[accID] != "About the account" {
		t.Fatalf("regarding: %v", byRegarding)
	}
	var list struct{ Value []map[string]any }
	_ = json.Unmarshal([]byte(parts[2].body), &list)
	if len(list.Value) != 2 || list.Value[0]["subject"] != "About the account" {
		t.Fatalf("GET in batch: %s", parts[2].body)
	}
	// A change set with an invalid choice rolls back the opportunity created before it.
	bad, ctype := buildBatch([]part{
		{method: "POST", url: "/api/data/v9.2/opportunities", body: `{"name":"Rolled back"}`, contentID: "1"},
		{method: "POST", url: "/api/data/v9.2/tasks", body: `{"subject":"x","prioritycode":9}`, contentID: "2"},
	})
	r, parts = e.batch(bad, ctype)
	if r.status != 400 || len(parts) != 1 || len(parts[0].nested) != 1 || parts[0].nested[0].status != 400 || !strings.Contains(parts[0].nested[0].body, "0x8004431a") {
		t.Fatalf("rolled back change set: %d %+v", r.status, parts)
	}
	if e.sim.Count("opportunities") != 1 || e.sim.Count("tasks") != 2 {
		t.Fatal("change set not rolled back")
	}
	st := e.sim.Stats()
	if st["BATCH POST /api/data/v9.2/tasks"] != 3 || st["BATCH POST /api/data/v9.2/opportunities"] != 2 || st["BATCH GET /api/data/v9.2/tasks"] != 1 {
		t.Fatalf("stats %v", st)
	}
}

// Account_Tasks, Contact_Tasks and opportunity_customer_* are Delete: Cascade;
// opportunity_parent_account is RemoveLink (table references).
func TestDeleteCascades(t *testing.T) {
	e := newEnv(t, Options{})
	acc, _ := e.sim.SeedAccounts([]AccountSeed{{Name: "Gone"}, {Name: "Stays"}})
	con, _ := e.sim.SeedContacts([]ContactSeed{{LastName: "Stays"}})
	one, two := 1, 2
	opps, err := e.sim.SeedOpportunities([]OpportunitySeed{
		{Name: "customer is Gone", CustomerID: acc[0], CustomerTable: "account", SalesStage: &two},
		{Name: "parent is Gone", AccountID: acc[0], CustomerID: con[0], CustomerTable: "contact"},
		{Name: "unrelated", CustomerID: acc[1], CustomerTable: "account", CloseProbability: &one},
	})
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := e.sim.SeedTasks([]TaskSeed{
		{Subject: "regarding Gone", RegardingID: acc[0], RegardingTable: "account"},
		{Subject: "regarding the cascaded opportunity", RegardingID: opps[0], RegardingTable: "opportunity"},
		{Subject: "regarding the contact", RegardingID: con[0], RegardingTable: "contact"},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.must(e.do("DELETE", "accounts("+acc[0]+")", nil), 204)
	if _, ok := e.sim.Get("opportunities", opps[0]); ok {
		t.Fatal("opportunity whose customer was deleted survived")
	}
	if o, ok := e.sim.Get("opportunities", opps[1]); !ok || o.Fields["_parentaccountid_value"] != nil || o.Fields["_customerid_value"] != con[0] {
		t.Fatalf("RemoveLink: %v %+v", ok, o)
	}
	if _, ok := e.sim.Get("tasks", tasks[0]); ok {
		t.Fatal("task regarding the deleted account survived")
	}
	if _, ok := e.sim.Get("tasks", tasks[1]); ok {
		t.Fatal("task regarding the cascaded opportunity survived")
	}
	if _, ok := e.sim.Get("tasks", tasks[2]); !ok || e.sim.Count("opportunities") != 2 {
		t.Fatal("unrelated rows deleted")
	}
}

func TestSeedOpportunitiesAndTasks(t *testing.T) {
	e := newEnv(t, Options{})
	acc, _ := e.sim.SeedAccounts([]AccountSeed{{Name: "A"}})
	v, stage, prio := 99.999, 3, 1
	created := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	opps, err := e.sim.SeedOpportunities([]OpportunitySeed{{Name: "Seeded", EstimatedValue: &v, EstimatedCloseDate: "2026-01-31",
		SalesStage: &stage, AccountID: acc[0], CustomerID: acc[0], CustomerTable: "account", Created: created}})
	if err != nil {
		t.Fatal(err)
	}
	o, _ := e.sim.Get("opportunities", opps[0])
	if o.Fields["estimatedvalue"] != 100.0 || o.Fields["salesstage"] != int64(3) || o.Fields["estimatedclosedate"] != "2026-01-31" ||
		o.Fields["_customerid_value"] != acc[0] || o.Fields["statuscode"] != int64(1) || !o.Created.Equal(created) || !o.Modified.Equal(created) {
		t.Fatalf("seeded opportunity %+v", o)
	}
	due := time.Date(2026, 2, 1, 9, 30, 0, 0, time.FixedZone("x", 3600))
	ids, err := e.sim.SeedTasks([]TaskSeed{{Subject: "Seeded", ScheduledEnd: due, PriorityCode: &prio, RegardingID: opps[0], RegardingTable: "opportunity"}})
	if err != nil {
		t.Fatal(err)
	}
	r := e.must(e.do("GET", "tasks("+ids[0]+")?$select=scheduledend,prioritycode,_regardingobjectid_value", nil, "Prefer", annLookup), 200)
	if r.body["scheduledend"] != "2026-02-01T08:30:00Z" || r.body["prioritycode"] != float64(1) ||
		r.body["_regardingobjectid_value@Microsoft.Dynamics.CRM.lookuplogicalname"] != "opportunity" {
		t.Fatalf("seeded task: %s", r.raw)
	}
	bad := 5
	if _, err := e.sim.SeedTasks([]TaskSeed{{Subject: "x", PriorityCode: &bad}}); err == nil {
		t.Fatal("invalid prioritycode seeded")
	}
	if _, err := e.sim.SeedTasks([]TaskSeed{{Subject: "x", RegardingID: acc[0], RegardingTable: "contact"}}); err == nil {
		t.Fatal("regarding a missing contact seeded")
	}
	if _, err := e.sim.SeedOpportunities([]OpportunitySeed{{Name: "x", CustomerID: acc[0]}}); err == nil {
		t.Fatal("customer without its table seeded")
	}
	if e.sim.Count("tasks") != 1 || e.sim.Count("opportunities") != 1 {
		t.Fatal("refused seeds stored rows")
	}
}
