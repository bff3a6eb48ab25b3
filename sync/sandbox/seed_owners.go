package sandbox

import (
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// The sandbox's sales team: three people with a seat in both CRMs (one
// email spelt in another case in HubSpot), one with a HubSpot seat only
// and one with a Salesforce seat only, beside Salesforce's own
// integration and admin users. An owner row matches the three by email
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

// seedOwners adds the sales team and returns each side's owner ids, by
// position in hsOwners and sfUsers.
func seedOwners(hs *hubspot.Sim, sf *salesforce.Sim) (hsIDs, sfIDs []string) {
	for _, o := range hs.SeedOwners(hsOwners) {
		hsIDs = append(hsIDs, o.ID)
	}
	for _, u := range sf.SeedUsers(sfUsers) {
		sfIDs = append(sfIDs, u.ID)
	}
	return hsIDs, sfIDs
}

// ownerOf picks a seeded record's owner: one record in five has none (a
// HubSpot contact nobody took yet; in Salesforce, the integration user's).
func ownerOf(ids []string, i int) string {
	if i%5 == 4 {
		return ""
	}
	return ids[i%len(ids)]
}
