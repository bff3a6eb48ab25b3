package salesforce

import (
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

var _ connector.DeleteCascader = (*Conn)(nil)

// DeleteCascades names what Salesforce moves to the recycle bin with a
// record of object: Help, "Delete Accounts" (its Contacts, Opportunities,
// activities and notes), "Delete Contacts", "Delete Leads" and "Delete
// Opportunities" (their activities and notes).
func (c *Conn) DeleteCascades(object string) string {
	switch strings.ToLower(object) {
	case "account":
		return "Salesforce also deletes the Account's Contacts and Opportunities, and their Tasks, Events and Notes"
	case "contact", "lead", "opportunity":
		return "Salesforce also deletes the " + object + "'s Tasks, Events and Notes"
	}
	return ""
}
