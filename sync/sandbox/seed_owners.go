package sandbox

import (
	"github.com/crmsync/crmsync/sync/sandbox/dynamics"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
	"github.com/crmsync/crmsync/sync/sandbox/pipedrive"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
	"github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// The sandbox's sales team: three people with a seat in every CRM (one
// email spelt in another case in HubSpot), and in each CRM one person with
// a seat there only, beside each CRM's own connected user (Salesforce's
// integration and admin users). An owner row matches the three by email
// and names the others in its preview.
var (
	hsOwners = []hubspot.Owner{
		{FirstName: "Ada", LastName: "Lovelace", Email: "ada.lovelace@crmsync-sandbox.example"},
		{FirstName: "Grace", LastName: "Hopper", Email: "Grace.Hopper@crmsync-sandbox.example"},
		{FirstName: "Alan", LastName: "Turing", Email: "alan.turing@crmsync-sandbox.example"},
		{FirstName: "Hedy", LastName: "Lamarr", Email: "hedy.lamarr@crmsync-sandbox.example"},
	}
	sfUsers = []salesforce.User{
		{FirstName: "Ada", LastName: "Lovelace", Email: "ada.lovelace@crmsync-sandbox.example", Active: true},
		{FirstName: "Grace", LastName: "Hopper", Email: "grace.hopper@crmsync-sandbox.example", Active: true},
		{FirstName: "Alan", LastName: "Turing", Email: "alan.turing@crmsync-sandbox.example", Active: true},
		{FirstName: "Katherine", LastName: "Johnson", Email: "katherine.johnson@crmsync-sandbox.example", Active: true},
	}
)

// teamIDs are the sales team's user ids in each CRM, in seeding order.
type teamIDs struct {
	hs, sf, zh, dv []string
	pd             []int64
}

// seedTeams adds the sales team to every CRM.
func seedTeams(hs *hubspot.Sim, sf *salesforce.Sim, pd *pipedrive.Sim, zh *zoho.Sim, dv *dynamics.Sim) teamIDs {
	var t teamIDs
	for _, o := range hs.SeedOwners(hsOwners) {
		t.hs = append(t.hs, o.ID)
	}
	for _, u := range sf.SeedUsers(sfUsers) {
		t.sf = append(t.sf, u.ID)
	}
	shared := hsOwners[:3]
	var pdUsers []pipedrive.User
	var zhUsers []zoho.User
	var dvUsers []dynamics.User
	for _, o := range shared {
		pdUsers = append(pdUsers, pipedrive.User{Name: o.FirstName + " " + o.LastName, Email: o.Email, Active: true})
		zhUsers = append(zhUsers, zoho.User{FirstName: o.FirstName, LastName: o.LastName, Email: o.Email})
		dvUsers = append(dvUsers, dynamics.User{FirstName: o.FirstName, LastName: o.LastName, Email: o.Email})
	}
	dvUsers = append(dvUsers, dynamics.User{FirstName: "Margaret", LastName: "Hamilton", Email: "margaret.hamilton@crmsync-sandbox.example"})
	pdUsers = append(pdUsers, pipedrive.User{Name: "Dorothy Vaughan", Email: "dorothy.vaughan@crmsync-sandbox.example", Active: true})
	zhUsers = append(zhUsers, zoho.User{FirstName: "Mary", LastName: "Jackson", Email: "mary.jackson@crmsync-sandbox.example"})
	for _, u := range pd.SeedUsers(pdUsers) {
		t.pd = append(t.pd, u.ID)
	}
	for _, u := range zh.SeedUsers(zhUsers) {
		t.zh = append(t.zh, u.ID)
	}
	for _, u := range dv.SeedUsers(dvUsers) {
		t.dv = append(t.dv, u.ID)
	}
	return t
}

// ownerOf picks a seeded record's owner: one record in five has none (a
// HubSpot contact nobody took yet; in Salesforce, the integration user's).
func ownerOf(ids []string, i int) string {
	if i%5 == 4 {
		return ""
	}
	return ids[i%len(ids)]
}

// pdOwnerOf is ownerOf for Pipedrive's numeric ids (0: the connected user).
func pdOwnerOf(ids []int64, i int) int64 {
	if i%5 == 4 {
		return 0
	}
	return ids[i%len(ids)]
}
