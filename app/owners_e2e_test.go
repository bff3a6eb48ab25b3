package app_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// TestOwnersByEmail runs HubSpot contacts ↔ Salesforce Contacts with the
// owner row over real HTTP. The sandbox's sales team has three people in
// both CRMs (one email in another case), Hedy in HubSpot only and
// Katherine, the integration user and the admin in Salesforce only.
//   - The preview names the people with no counterpart.
//   - Linked records whose owners both have a counterpart end with the
//     same person on both sides; records created either way take their
//     owner's counterpart, or the target's own default where there is
//     none (no HubSpot owner; Salesforce's integration user).
//   - Nothing fails and nothing goes to review for an owner.
//   - A second run writes nothing.
//   - A reassignment in Salesforce reaches HubSpot; a reassignment to
//     Hedy in HubSpot leaves the Salesforce owner as it was.
func TestOwnersByEmail(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 71, 40)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	hsEmail, sfEmail := map[string]string{}, map[string]string{}
	hsByEmail, sfByEmail := map[string]string{}, map[string]string{}
	for _, o := range hs.Owners() {
		e := strings.ToLower(o.Email)
		hsEmail[o.ID], hsByEmail[e] = e, o.ID
	}
	for _, u := range sf.Users() {
		e := strings.ToLower(u.Email)
		sfEmail[u.ID], sfByEmail[e] = e, u.ID
	}
	if len(hsEmail) < 4 || len(sfEmail) < 4 {
		t.Fatalf("the sandbox seeded %d owners and %d users", len(hsEmail), len(sfEmail))
	}
	integration := ""
	for id, e := range sfEmail {
		if strings.HasPrefix(e, "integration@") {
			integration = id
		}
	}
	preHS, preSF := map[string]bool{}, map[string]bool{}
	ownedHS, ownedSF := 0, 0
	for _, r := range hs.Records("contacts") {
		preHS[r.ID] = true
		if r.Properties["hubspot_owner_id"] != "" {
			ownedHS++
		}
	}
	for _, r := range sf.Records("Contact") {
		preSF[r.ID] = true
		if r.Fields["OwnerId"] != integration {
			ownedSF++
		}
	}
	if ownedHS == 0 || ownedSF == 0 {
		t.Fatalf("the seed gave %d HubSpot and %d Salesforce contacts an owner", ownedHS, ownedSF)
	}

	def := app.DemoSync("contacts", "hs", "sf")
	def.Fields = append(def.Fields, app.DemoOwner("OwnerId"))
	saveSyncs(t, a, def)
	preview, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	warnings := strings.Join(preview.Plan.Warnings, "\n")
	for _, who := range []string{"Hedy Lamarr <hedy.lamarr@", "Katherine Johnson <katherine.johnson@", "Integration User <integration@"} {
		if !strings.Contains(warnings, who) {
			t.Errorf("the preview's warnings do not name %s:\n%s", who, warnings)
		}
	}
	for _, named := range []string{"Ada Lovelace", "Grace Hopper"} {
		if strings.Contains(warnings, named) {
			t.Errorf("the preview says %s has no counterpart:\n%s", named, warnings)
		}
	}

	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Failed != 0 {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	for _, it := range res.Plan.Review {
		if strings.Contains(it.Field, "hubspot_owner_id") {
			t.Errorf("an owner went to review: %+v", it)
		}
	}
	shared := func(e string) bool { return e != "" && hsByEmail[e] != "" && sfByEmail[e] != "" }
	created, converged := 0, 0
	for _, l := range syncLinks(t, a, "contacts") {
		h, _ := hs.Get("contacts", l.AID)
		s, _ := sf.Get("Contact", l.BID)
		he, se := hsEmail[h.Properties["hubspot_owner_id"]], sfEmail[s.Fields["OwnerId"]]
		switch {
		case !preSF[l.BID]: // Salesforce Contact created from HubSpot
			created++
			want := integration
			if shared(he) {
				want = sfByEmail[he]
			}
			if s.Fields["OwnerId"] != want {
				t.Errorf("Contact %s created from a HubSpot contact owned by %q: OwnerId %s (%s); want %s", l.BID, he, s.Fields["OwnerId"], se, want)
			}
		case !preHS[l.AID]: // HubSpot contact created from Salesforce
			created++
			want := ""
			if shared(se) {
				want = hsByEmail[se]
			}
			if h.Properties["hubspot_owner_id"] != want {
				t.Errorf("contact %s created from a Contact owned by %q: owner %q; want %q", l.AID, se, h.Properties["hubspot_owner_id"], want)
			}
		case shared(he) && shared(se):
			converged++
			if he != se {
				t.Errorf("linked %s ↔ %s: HubSpot owner %s, Salesforce owner %s; want one person", l.AID, l.BID, he, se)
			}
		}
	}
	if created == 0 || converged == 0 {
		t.Fatalf("%d created and %d linked with owners on both sides; want some of each", created, converged)
	}

	again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Created+again.Summary.Updated != 0 || again.Summary.Failed != 0 {
		t.Fatalf("second run: %v %+v; want nothing written", err, again.Summary)
	}

	// Reassignments: Grace takes one of Ada's Contacts in Salesforce; in
	// HubSpot, Hedy takes another linked contact.
	var moved, toHedy [2]string
	hedy := hsByEmail["hedy.lamarr@crmsync-sandbox.example"]
	for _, l := range syncLinks(t, a, "contacts") {
		s, _ := sf.Get("Contact", l.BID)
		switch e := sfEmail[s.Fields["OwnerId"]]; {
		case moved[0] == "" && e == "ada.lovelace@crmsync-sandbox.example":
			moved = [2]string{l.AID, l.BID}
		case toHedy[0] == "" && shared(e):
			toHedy = [2]string{l.AID, l.BID}
		}
	}
	if moved[0] == "" || toHedy[0] == "" || hedy == "" {
		t.Fatalf("no contacts to reassign: %v %v (Hedy %q)", moved, toHedy, hedy)
	}
	before, _ := sf.Get("Contact", toHedy[1])
	time.Sleep(10 * time.Millisecond)
	if _, err := sf.Update("Contact", moved[1], map[string]string{"OwnerId": sfByEmail["grace.hopper@crmsync-sandbox.example"]}); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Update("contacts", toHedy[0], map[string]string{"hubspot_owner_id": hedy}); err != nil {
		t.Fatal(err)
	}
	third, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || third.Summary.Failed != 0 || len(third.Plan.Review) != 0 {
		t.Fatalf("run after the reassignments: %v %+v, review %+v", err, third.Summary, third.Plan.Review)
	}
	if h, _ := hs.Get("contacts", moved[0]); hsEmail[h.Properties["hubspot_owner_id"]] != "grace.hopper@crmsync-sandbox.example" {
		t.Errorf("HubSpot contact %s after Grace took it in Salesforce: owner %q", moved[0], hsEmail[h.Properties["hubspot_owner_id"]])
	}
	if s, _ := sf.Get("Contact", toHedy[1]); s.Fields["OwnerId"] != before.Fields["OwnerId"] {
		t.Errorf("Contact %s after Hedy took it in HubSpot: OwnerId %s; want %s kept (Hedy has no Salesforce seat)", toHedy[1], s.Fields["OwnerId"], before.Fields["OwnerId"])
	}
	if h, _ := hs.Get("contacts", toHedy[0]); h.Properties["hubspot_owner_id"] != hedy {
		t.Errorf("HubSpot contact %s lost Hedy: owner %q", toHedy[0], h.Properties["hubspot_owner_id"])
	}
	last, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || last.Summary.Created+last.Summary.Updated != 0 || last.Summary.Conflicts != 0 {
		t.Fatalf("run after that: %v %+v; want nothing written and no conflict", err, last.Summary)
	}
}

// TestOwnersAcrossCRMs runs the ready-made contacts sync between HubSpot
// and each of Pipedrive, Zoho CRM and Dynamics 365 (with its companies
// sync first), each of which carries the owner. Every linked pair whose
// owners both have a seat on both sides ends with one person as owner,
// a record created on the other side takes the owner's counterpart, and
// nothing fails. The sandbox gives each CRM the same three people and one
// of its own.
func TestOwnersAcrossCRMs(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 73, 40)
	conns := connectAll(t, a, srv)
	hs := srv.HubSpot()
	hsEmail := map[string]string{}
	for _, o := range hs.Owners() {
		hsEmail[o.ID] = strings.ToLower(o.Email)
	}
	pd, zh, dv := srv.Pipedrive(), srv.Zoho(), srv.Dynamics()
	type crm struct {
		name              string
		companies, people engine.Definition
		users             func() map[string]string // user id -> email
		owner             func(id string) string   // a record's owner id
	}
	crms := []crm{
		{"pipedrive", app.DemoPipedriveCompaniesSync("pd-companies", conns.HubSpot, conns.Pipedrive),
			app.DemoPipedriveSync("pd-people", conns.HubSpot, conns.Pipedrive, "pd-companies"),
			func() map[string]string {
				m := map[string]string{}
				for _, u := range pd.Users() {
					m[strconv.FormatInt(u.ID, 10)] = strings.ToLower(u.Email)
				}
				return m
			},
			func(id string) string {
				for _, p := range pd.Persons() {
					if strconv.FormatInt(p.ID, 10) == id {
						return strconv.FormatInt(p.OwnerID, 10)
					}
				}
				return ""
			}},
		{"zoho", app.DemoZohoCompaniesSync("zc-accounts", conns.HubSpot, conns.Zoho),
			app.DemoZohoSyncWithAccounts("zc-people", conns.HubSpot, conns.Zoho, "zc-accounts"),
			func() map[string]string {
				m := map[string]string{}
				for _, u := range zh.Users() {
					m[u.ID] = strings.ToLower(u.Email)
				}
				return m
			},
			func(id string) string { r, _ := zh.Get("Contacts", id); return r.Fields["Owner"] }},
		{"dynamics", app.DemoDynamicsCompaniesSync("dv-accounts", conns.HubSpot, conns.Dynamics),
			app.DemoDynamicsSync("dv-people", conns.HubSpot, conns.Dynamics, "dv-accounts"),
			func() map[string]string {
				m := map[string]string{}
				for _, u := range dv.Users() {
					m[strings.ToLower(u.ID)] = strings.ToLower(u.Email)
				}
				return m
			},
			func(id string) string {
				r, _ := dv.Get("contacts", id)
				return strings.ToLower(fmt.Sprint(r.Fields["_ownerid_value"]))
			}},
	}
	for _, c := range crms {
		saveSyncs(t, a, c.companies, c.people)
		for _, def := range []engine.Definition{c.companies, c.people} {
			res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
			if err != nil || res.Summary.Failed != 0 {
				t.Fatalf("%s: run %s: %v %+v", c.name, def.Name, err, res.Summary)
			}
		}
		users := c.users()
		inBoth := func(e string) bool {
			if e == "" {
				return false
			}
			for _, he := range hsEmail {
				if he == e {
					for _, ue := range users {
						if ue == e {
							return true
						}
					}
				}
			}
			return false
		}
		agreed := 0
		for _, l := range syncLinks(t, a, c.people.Name) {
			h, _ := hs.Get("contacts", l.AID)
			he, ue := hsEmail[h.Properties["hubspot_owner_id"]], users[c.owner(l.BID)]
			if inBoth(he) && inBoth(ue) {
				agreed++
				if he != ue {
					t.Errorf("%s: %s ↔ %s owned by %s in HubSpot and %s there; want one person", c.name, l.AID, l.BID, he, ue)
				}
			}
		}
		if agreed < 5 {
			t.Errorf("%s: %d linked pairs with both owners on both sides; want at least 5", c.name, agreed)
		}
		again, err := a.Run(ctx, c.people.Name, app.RunOptions{Confirm: true})
		if err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Errorf("%s: second run wrote: %v %+v", c.name, err, again.Summary)
		}
	}
}

// ownerEmail returns a function giving the email, lower case, of the owner
// of a record in the sandbox CRM behind a ready-made sync's connection,
// "" when the record has none or the owner is no user.
func ownerEmail(srv *sandbox.Server, conns app.DemoConnections) func(conn, object, id string) string {
	emails := map[string]string{}
	for _, o := range srv.HubSpot().Owners() {
		emails["hs/"+o.ID] = strings.ToLower(o.Email)
	}
	for _, u := range srv.Salesforce().Users() {
		emails["sf/"+u.ID] = strings.ToLower(u.Email)
	}
	for _, u := range srv.Pipedrive().Users() {
		emails["pd/"+strconv.FormatInt(u.ID, 10)] = strings.ToLower(u.Email)
	}
	for _, u := range srv.Zoho().Users() {
		emails["zc/"+u.ID] = strings.ToLower(u.Email)
	}
	for _, u := range srv.Dynamics().Users() {
		emails["dv/"+strings.ToLower(u.ID)] = strings.ToLower(u.Email)
	}
	pdOwner := func(object string, id int64) int64 {
		switch object {
		case "persons":
			p, _ := srv.Pipedrive().GetPerson(id)
			return p.OwnerID
		case "organizations":
			o, _ := srv.Pipedrive().GetOrganization(id)
			return o.OwnerID
		case "deals":
			d, _ := srv.Pipedrive().GetDeal(id)
			return d.OwnerID
		case "activities":
			a, _ := srv.Pipedrive().GetActivity(id)
			return a.OwnerID
		}
		return 0
	}
	return func(conn, object, id string) string {
		switch conn {
		case conns.HubSpot:
			r, _ := srv.HubSpot().Get(object, id)
			return emails["hs/"+r.Properties["hubspot_owner_id"]]
		case conns.Salesforce:
			r, _ := srv.Salesforce().Get(object, id)
			return emails["sf/"+r.Fields["OwnerId"]]
		case conns.Pipedrive:
			n, _ := strconv.ParseInt(id, 10, 64)
			return emails["pd/"+strconv.FormatInt(pdOwner(object, n), 10)]
		case conns.Zoho:
			r, _ := srv.Zoho().Get(object, id)
			return emails["zc/"+r.Fields["Owner"]]
		case conns.Dynamics:
			r, _ := srv.Dynamics().Get(object, id)
			return emails["dv/"+strings.ToLower(fmt.Sprint(r.Fields["_ownerid_value"]))]
		}
		return ""
	}
}

// checkOwnersAgree: every sync between two CRMs but the notes syncs
// carries the owner, and in each, every linked pair
// whose owners are both people with a seat in both CRMs (the sandbox's
// three shared salespeople) has one person as owner, and each such sync
// has at least one such pair.
func checkOwnersAgree(t *testing.T, a *app.App, srv *sandbox.Server, conns app.DemoConnections, defs []engine.Definition) {
	t.Helper()
	shared := map[string]bool{"ada.lovelace@crmsync-sandbox.example": true, "grace.hopper@crmsync-sandbox.example": true, "alan.turing@crmsync-sandbox.example": true}
	owner := ownerEmail(srv, conns)
	crms := []string{conns.Salesforce, conns.Pipedrive, conns.Zoho, conns.Dynamics}
	for _, def := range defs {
		hasOwner := slices.ContainsFunc(def.Fields, func(f mapping.Field) bool { return f.Transform == "owner" })
		if wanted := slices.Contains(crms, def.B.Connection) && def.A.Object != "notes"; wanted != hasOwner {
			t.Errorf("%s (%s ↔ %s) carries the owner: %v, want %v", def.Name, def.A.Object, def.B.Object, hasOwner, wanted)
		}
		if !hasOwner {
			continue
		}
		agreed := 0
		for _, l := range syncLinks(t, a, def.Name) {
			ae, be := owner(def.A.Connection, def.A.Object, l.AID), owner(def.B.Connection, def.B.Object, l.BID)
			if !shared[ae] || !shared[be] {
				continue
			}
			if ae != be {
				t.Errorf("%s: %s ↔ %s owned by %s and %s; want one person", def.Name, l.AID, l.BID, ae, be)
				continue
			}
			agreed++
		}
		if agreed == 0 {
			t.Errorf("%s: no linked pair owned by one of the shared salespeople on both sides", def.Name)
		}
	}
}
