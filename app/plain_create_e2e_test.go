package app_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// plainCreateVendor is one CRM with an upsert key by email, and how the test
// reads the records holding an email there (id and last name).
type plainCreateVendor struct {
	vendor string
	object string
	fields [4]string // the vendor's email, first name, last name and phone
	names  bool      // the vendor's refusal of a taken email names (or leads to) the holder
	holds  func(srv *sandbox.Server, email string) map[string]string
	setup  func(srv *sandbox.Server) error // before connecting; nil for none
}

func plainCreateVendors() []plainCreateVendor {
	return []plainCreateVendor{
		{"dynamics", "contacts", [4]string{"emailaddress1", "firstname", "lastname", "telephone1"}, true,
			func(srv *sandbox.Server, email string) map[string]string {
				out := map[string]string{}
				for _, r := range srv.Dynamics().Records("contacts") {
					if e, _ := r.Fields["emailaddress1"].(string); strings.EqualFold(e, email) {
						out[r.ID], _ = r.Fields["lastname"].(string)
					}
				}
				return out
			},
			// An organization that keys contacts by email: the upsert key.
			func(srv *sandbox.Server) error {
				return srv.Dynamics().DefineAlternateKey("contacts", "contact_email_key", "emailaddress1")
			}},
		{"zoho", "Contacts", [4]string{"Email", "First_Name", "Last_Name", "Phone"}, false,
			func(srv *sandbox.Server, email string) map[string]string {
				out := map[string]string{}
				for _, r := range srv.Zoho().Records("Contacts") {
					if strings.EqualFold(r.Fields["Email"], email) {
						out[r.ID] = r.Fields["Last_Name"]
					}
				}
				return out
			}, nil},
		{"mailchimp", "members", [4]string{"email_address", "FNAME", "LNAME", "PHONE"}, true,
			func(srv *sandbox.Server, email string) map[string]string {
				out := map[string]string{}
				mc := srv.Mailchimp()
				for _, m := range mc.Members(mc.DefaultListID()) {
					if strings.EqualFold(m.Email, email) {
						ln, _ := m.MergeFields["LNAME"].(string)
						out[m.ContactID] = ln
					}
				}
				return out
			}, nil},
		{"klaviyo", "profiles", [4]string{"email", "first_name", "last_name", "phone_number"}, true,
			func(srv *sandbox.Server, email string) map[string]string {
				out := map[string]string{}
				for _, p := range srv.Klaviyo().Profiles() {
					if strings.EqualFold(p.Email, email) {
						out[p.ID] = p.LastName
					}
				}
				return out
			}, nil},
		{"brevo", "contacts", [4]string{"email", "FIRSTNAME", "LASTNAME", "SMS"}, true,
			func(srv *sandbox.Server, email string) map[string]string {
				out := map[string]string{}
				for _, c := range srv.Brevo().Contacts() {
					if strings.EqualFold(c.Email, email) {
						ln, _ := c.Attributes["LASTNAME"].(string)
						out[strconv.FormatInt(c.ID, 10)] = ln
					}
				}
				return out
			}, nil},
	}
}

// phoneMatchedApp is a sandbox and an app on one stepClock, connected to
// Salesforce (which allows two Contacts one email) as sf and to vendor
// as v, with a Salesforce → vendor sync matching people by phone.
func phoneMatchedApp(t *testing.T, v plainCreateVendor) (*app.App, *sandbox.Server, *stepClock, engine.Definition) {
	t.Helper()
	a, srv, clock := steppedApp(t, 4, v.setup, [2]string{"salesforce", "sf"}, [2]string{v.vendor, "v"})
	f := v.fields
	fields := []mapping.Field{
		{A: "Email", B: f[0], Transform: "lower"},
		{A: "FirstName", B: f[1]},
		{A: "LastName", B: f[2]},
		{A: "Phone", B: f[3], Transform: "e164"},
	}
	if v.vendor == "mailchimp" {
		fields = append(fields, mapping.Field{B: "status", Transform: "const:transactional", Rule: mapping.OnCreate})
	}
	def := engine.Definition{Name: "by-phone", Direction: mapping.AtoB,
		A:      engine.SideDef{Connection: "sf", Object: "Contact"},
		B:      engine.SideDef{Connection: "v", Object: v.object},
		Match:  []engine.MatchRule{{A: "Phone", B: f[3], Normalize: "e164"}},
		Fields: fields, Unmatched: engine.UnmatchedCreate, Conflict: engine.ConflictNewer, Schedule: "manual",
		Safety: engine.Safety{MaxChangePercent: 100}}
	saveSyncs(t, a, def)
	return a, srv, clock, def
}

// TestPhoneMatchedCreateKeepsLinkedRecord: a Salesforce → vendor
// sync matching people by phone creates Zed in the vendor. A second
// Salesforce Contact with Zed's email and another phone matches nothing and
// is created plainly (the email is not matched on). Whatever the vendor
// does with a taken email, the linked record must keep its values, and
// the new contact must be created, held for review naming the holder, or
// fail with an error naming the email field, never silently merged.
func TestPhoneMatchedCreateKeepsLinkedRecord(t *testing.T) {
	for _, v := range plainCreateVendors() {
		t.Run(v.vendor, func(t *testing.T) {
			ctx := context.Background()
			a, srv, clock, def := phoneMatchedApp(t, v)
			sf := srv.Salesforce()
			const email = "zed.taken@gmail.com"
			if _, err := sf.Create("Contact", map[string]string{"Email": email, "FirstName": "Zed", "LastName": "Taken", "Phone": "+14155550100"}); err != nil {
				t.Fatal(err)
			}
			clock.step(time.Minute)
			runAndErrors(t, a, def.Name)
			first := v.holds(srv, email)
			if len(first) != 1 {
				t.Fatalf("after the first run the vendor holds %v for %s", first, email)
			}
			var zedID string
			for id := range first {
				zedID = id
			}
			clock.step(time.Minute)
			other, err := sf.Create("Contact", map[string]string{"Email": email, "FirstName": "Zed", "LastName": "Other", "Phone": "+14155550199"})
			if err != nil {
				t.Fatal(err)
			}
			clock.step(time.Minute)
			for round := range 2 {
				_, errs := runAndErrors(t, a, def.Name)
				for _, e := range errs {
					if e.RecordID == other.ID && (e.Category != "conflict" || !strings.Contains(strings.ToLower(e.Field), "email") || !strings.Contains(e.Message, email)) {
						t.Errorf("round %d: the failure is not a conflict naming the email field and %s: %+v", round, email, e)
					}
				}
				// Checked each round: the next run would put a
				// linked record's values back and hide the overwrite.
				if now := v.holds(srv, email); now[zedID] != "Taken" {
					t.Fatalf("round %d: the vendor's Zed %s, linked to Salesforce's Zed, took the other Contact's values: %v", round, zedID, now)
				}
				clock.step(time.Minute)
			}
			now := v.holds(srv, email)
			items, err := a.Reviews(ctx, def.Name, "duplicate", "open")
			if err != nil {
				t.Fatal(err)
			}
			held := false
			for _, it := range items {
				if it.RecordID == other.ID {
					held = true
					if !strings.Contains(it.Detail, zedID) {
						t.Fatalf("the duplicate item does not name %s: %s", zedID, it.Detail)
					}
				}
			}
			if v.names && len(now) == 1 && !held {
				t.Fatalf("the vendor named the record holding %s, yet the Contact was not held for review as a duplicate of it: %+v", email, items)
			}
			t.Logf("%s: holders %v, duplicate items %d", v.vendor, now, len(items))
		})
	}
}

// lostAnswerByPhone is a lossy app with a Salesforce → HubSpot sync
// matching people by phone (HubSpot creates plainly, by no upsert), run
// once, and Zed linked across both by phone, with the same email.
func lostAnswerByPhone(t *testing.T) (*app.App, *sandbox.Server, *lossyTransport, *stepClock, engine.Definition, string) {
	t.Helper()
	a, srv, tr, clock := lossyClockedApp(t, 5, 6)
	def := app.DemoSync("by-phone", "hs", "sf")
	def.Direction = mapping.BtoA
	def.Match = []engine.MatchRule{{A: "phone", B: "Phone", Normalize: "e164"}}
	saveSyncs(t, a, def)
	zedHS, err := srv.HubSpot().Create("contacts", map[string]string{"email": "zed.taken@gmail.com", "firstname": "Zed", "lastname": "Taken", "phone": "+14155550100"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Salesforce().Create("Contact", map[string]string{"Email": "zed.taken@gmail.com", "FirstName": "Zed", "LastName": "Taken", "Phone": "+14155550100"}); err != nil {
		t.Fatal(err)
	}
	if res, errs := runAndErrors(t, a, def.Name); len(errs) != 0 {
		t.Fatalf("first run: %+v %+v", res.Summary, errs)
	}
	clock.step(time.Minute)
	return a, srv, tr, clock, def, zedHS.ID
}

func hubspotCreates(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/hubspot/crm/objects/") && strings.HasSuffix(r.URL.Path, "/contacts/batch/create")
}

// TestLostCreateAnswerByPhone: the answer to HubSpot's plain create
// is lost (a 502 after HubSpot created the contact). The run looks the
// contact up by email and links it; the next run creates nothing more.
func TestLostCreateAnswerByPhone(t *testing.T) {
	a, srv, tr, clock, def, _ := lostAnswerByPhone(t)
	hs := srv.HubSpot()
	if _, err := srv.Salesforce().Create("Contact", map[string]string{"Email": "lost.answer@gmail.com", "FirstName": "Lost", "LastName": "Answer", "Phone": "+14155550177"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	before := hs.Count("contacts")
	tr.arm(1, hubspotCreates)
	r1, errs := runAndErrors(t, a, def.Name)
	if len(tr.lostCalls()) != 1 {
		t.Fatalf("no create answer was lost: %+v", r1.Summary)
	}
	t.Logf("lost: %+v %+v", r1.Summary, errs)
	for round := range 2 {
		clock.step(2 * store.RetryBackoff)
		if res, errs := runAndErrors(t, a, def.Name); len(errs) != 0 {
			t.Fatalf("round %d after the lost answer: %+v %+v", round, res.Summary, errs)
		}
	}
	if n := hs.Count("contacts"); n != before+1 {
		t.Fatalf("HubSpot has %d contacts, want %d: the lost create was made again", n, before+1)
	}
}

// TestLostRefusalByPhone: a second Salesforce Zed with Zed's email
// and another phone is created plainly; HubSpot refuses it (409, the
// email is Zed's) but the answer is lost. Looking the create up by email
// finds HubSpot's Zed, which is not the record sent but the one holding
// its email, linked to the first Zed: it must not be linked to the
// second, which waits in review as a duplicate as it would without the
// loss.
func TestLostRefusalByPhone(t *testing.T) {
	ctx := context.Background()
	a, srv, tr, clock, def, zedHS := lostAnswerByPhone(t)
	hs := srv.HubSpot()
	other, err := srv.Salesforce().Create("Contact", map[string]string{"Email": "zed.taken@gmail.com", "FirstName": "Zed", "LastName": "Other", "Phone": "+14155550199"})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	before := hs.Count("contacts")
	tr.arm(1, hubspotCreates)
	r1, _ := runAndErrors(t, a, def.Name)
	if len(tr.lostCalls()) != 1 {
		t.Fatalf("no create answer was lost: %+v", r1.Summary)
	}
	for round := range 2 {
		clock.step(2 * store.RetryBackoff)
		runAndErrors(t, a, def.Name)
		if got, _ := hs.Get("contacts", zedHS); got.Properties["lastname"] != "Taken" || got.Properties["phone"] != "+14155550100" {
			t.Fatalf("round %d: HubSpot's Zed took the other Contact's values: %+v", round, got.Properties)
		}
	}
	if n := hs.Count("contacts"); n != before {
		t.Fatalf("HubSpot has %d contacts, had %d", n, before)
	}
	row, err := a.DB().Sync(ctx, def.Name)
	if err != nil {
		t.Fatal(err)
	}
	if rec, err := a.Record(ctx, row.ID, "b", other.ID); err != nil || rec.LinkedID != "" {
		t.Fatalf("Salesforce's second Zed %s was linked to %q, the HubSpot contact holding its email (%v)", other.ID, rec.LinkedID, err)
	}
	items, err := a.Reviews(ctx, def.Name, "duplicate", "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.RecordID == other.ID && strings.Contains(it.Detail, zedHS) {
			return
		}
	}
	t.Fatalf("no duplicate item for %s naming %s: %+v", other.ID, zedHS, items)
}

// TestLostRefusalUnlinkedHolder: as TestLostRefusalByPhone, but
// the HubSpot contact holding the email is linked to nothing (its phone
// matches no Contact). Without the loss the Contact waits in review as
// its duplicate; the lost answer must not turn that into a link made by
// no one, with HubSpot's contact left holding other values.
func TestLostRefusalUnlinkedHolder(t *testing.T) {
	ctx := context.Background()
	a, srv, tr, clock, def, _ := lostAnswerByPhone(t)
	hs := srv.HubSpot()
	solo, err := hs.Create("contacts", map[string]string{"email": "solo.holder@gmail.com", "firstname": "Solo", "lastname": "Holder", "phone": "+14155550155"})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	runAndErrors(t, a, def.Name) // Solo matches nothing, and the sync writes to HubSpot only
	clock.step(time.Minute)
	other, err := srv.Salesforce().Create("Contact", map[string]string{"Email": "solo.holder@gmail.com", "FirstName": "Solo", "LastName": "Other", "Phone": "+14155550166"})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	tr.arm(1, hubspotCreates)
	r1, _ := runAndErrors(t, a, def.Name)
	if len(tr.lostCalls()) != 1 {
		t.Fatalf("no create answer was lost: %+v", r1.Summary)
	}
	for range 2 {
		clock.step(2 * store.RetryBackoff)
		runAndErrors(t, a, def.Name)
	}
	row, err := a.DB().Sync(ctx, def.Name)
	if err != nil {
		t.Fatal(err)
	}
	if rec, err := a.Record(ctx, row.ID, "b", other.ID); err != nil || rec.LinkedID != "" {
		t.Fatalf("Salesforce's %s was linked to %q, the HubSpot contact %s holding its email (%v)", other.ID, rec.LinkedID, solo.ID, err)
	}
	items, err := a.Reviews(ctx, def.Name, "duplicate", "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.RecordID == other.ID && strings.Contains(it.Detail, solo.ID) {
			return
		}
	}
	t.Fatalf("no duplicate item for %s naming %s: %+v", other.ID, solo.ID, items)
}

// TestEmailMatchedStillUpserts: the ready-made sync matches people
// by email, HubSpot's upsert key, so its creates in HubSpot still go by
// upsert (idempotent when resent), never by plain create.
func TestEmailMatchedStillUpserts(t *testing.T) {
	a, srv, tr := lossyApp(t, 5, 12, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	var mu sync.Mutex
	var calls []string
	tr.setHook(func(r *http.Request) {
		if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/contacts/batch/") {
			mu.Lock()
			calls = append(calls, r.URL.Path)
			mu.Unlock()
		}
	})
	def := app.DemoSync("contacts", "hs", "sf")
	saveSyncs(t, a, def)
	if _, err := srv.Salesforce().Create("Contact", map[string]string{"Email": "new.person@gmail.com", "FirstName": "New", "LastName": "Person"}); err != nil {
		t.Fatal(err)
	}
	if res, errs := runAndErrors(t, a, def.Name); res.Summary.Created == 0 || len(errs) != 0 {
		t.Fatalf("first run: %+v %+v", res.Summary, errs)
	}
	mu.Lock()
	defer mu.Unlock()
	upserts := 0
	for _, c := range calls {
		if strings.HasSuffix(c, "/batch/create") {
			t.Fatalf("an email-matched sync created HubSpot contacts plainly: %v", calls)
		}
		if strings.HasSuffix(c, "/batch/upsert") {
			upserts++
		}
	}
	if upserts == 0 {
		t.Fatalf("no HubSpot upsert: %v", calls)
	}
}
