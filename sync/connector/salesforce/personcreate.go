package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// Creating people in an org with person accounts. There a Contact created
// without an AccountId is a private contact: only its owner and the
// admins can see it (Salesforce Help, "Considerations for Sharing and
// Accessing Contacts"). A new person with no company is created as a
// person account instead: an Account with the person-account record type
// (RecordType.IsPersonType), LastName and the person fields, for which
// Salesforce creates the person contact, the Account's PersonContactId.
// That Contact is the record the sync links, so later reads of Contact
// find it. A create with an AccountId (the person has a company) stays a
// business Contact.
//
// Creates upserted by an External ID (Crmsync_Key__c) look that key up on
// Contact first, where a person contact shows its Account's __pc twin: a
// person created by an earlier call whose answer was lost is updated on
// its person account, not created twice.

// personTypeSOQL finds the org's person-account record types (Object
// Reference, RecordType: IsPersonType).
const personTypeSOQL = "SELECT Id FROM RecordType WHERE SobjectType = 'Account' AND IsPersonType = true AND IsActive = true ORDER BY Id"

// personTypeKey names the person-account record type in the metadata
// cache, under the describes' prefix so that what drops them drops it.
func personTypeKey(version string) string { return describePrefix + version + "/Account#persontype" }

// personRecordType is the id of the org's person-account record type (the
// first by id), "" when it has none; cached in memory and in the
// metadata cache.
func (c *Conn) personRecordType(ctx context.Context) (string, error) {
	c.mu.Lock()
	id, ok := c.personType, c.personTypeRead
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	v, err := c.apiVersion(ctx)
	if err != nil {
		return "", err
	}
	if c.meta.Enabled() {
		if b, ok, _ := c.meta.Lookup(ctx, personTypeKey(v)); ok && (len(b) == 0 || validID(string(b))) {
			c.setPersonType(string(b))
			return string(b), nil
		}
	}
	u, err := c.dataURL(ctx, "/query", url.Values{"q": {personTypeSOQL}})
	if err != nil {
		return "", err
	}
	var qr queryResult
	if err := c.call(ctx, "GET", u, nil, &qr, ""); err != nil {
		return "", err
	}
	if len(qr.Records) > 0 {
		var rt struct{ Id string }
		if err := json.Unmarshal(qr.Records[0], &rt); err != nil {
			return "", fmt.Errorf("salesforce: a RecordType record: %w", err)
		}
		id = rt.Id
	}
	if c.meta.Enabled() {
		_ = c.meta.Store(ctx, personTypeKey(v), []byte(id)) // a cache that fails to store is read again next run
	}
	c.setPersonType(id)
	return id, nil
}

func (c *Conn) setPersonType(id string) {
	c.mu.Lock()
	c.personType, c.personTypeRead = id, true
	c.mu.Unlock()
}

// personAccountsOn reports whether d, Contact, is in an org with person
// accounts.
func personAccountsOn(d *describeResult) bool {
	return d.Name == "Contact" && hasPersonAccounts(d)
}

// hasPersonAccounts reports whether d, Contact or Account, has
// IsPersonAccount: the org has person accounts. Not d.field: a miss there
// drops a cached describe, and most orgs have no person accounts.
func hasPersonAccounts(d *describeResult) bool {
	return slices.ContainsFunc(d.Fields, func(f describeField) bool { return f.Name == "IsPersonAccount" })
}

// personAccountsOut is where, the filter of a read of d, leaving out the
// person accounts when d is Account in an org with person accounts: a
// person account is a person (its person contact is read as a Contact),
// not a company, and a companies sync would otherwise copy each person
// as a company.
func personAccountsOut(d *describeResult, where string) string {
	if d.Name != "Account" || !hasPersonAccounts(d) {
		return where
	}
	if where == "" {
		return "IsPersonAccount = false"
	}
	return "(" + where + ") AND IsPersonAccount = false"
}

// personAccountCreates creates, as person accounts, the Contact creates
// among ops[idx] that name no AccountId, filling their results, and
// returns the indexes left to create as Contacts. key is the upsert's
// External ID field, "" for plain creates.
func (c *Conn) personAccountCreates(ctx context.Context, d *describeResult, ops []connector.Op, idx []int, results []connector.Result, key string) ([]int, error) {
	if !personAccountsOn(d) {
		return idx, nil
	}
	var person, rest []int
	for _, i := range idx {
		company := false
		for name, v := range ops[i].Fields {
			company = company || strings.EqualFold(name, "AccountId") && v != ""
		}
		if company {
			rest = append(rest, i)
		} else {
			person = append(person, i)
		}
	}
	if len(person) == 0 {
		return idx, nil
	}
	rt, err := c.personRecordType(ctx)
	if err != nil || rt == "" {
		return idx, err // no person-account record type: Contacts, as before
	}
	ad, err := c.describe(ctx, "Account")
	if err != nil {
		return nil, err
	}
	// An upsert's key already on a Contact: a business Contact is upserted
	// as before, a person contact updated on its person account.
	existing := map[string]connector.Record{}
	if key != "" {
		var keys []string
		for _, i := range person {
			keys = append(keys, ops[i].Fields[key])
		}
		recs, err := c.Lookup(ctx, d.Name, key, keys)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if !r.Deleted {
				existing[strings.ToLower(r.Fields[key])] = r
			}
		}
	}
	var aops []connector.Op
	var from []int // aops[j] is for ops[from[j]]
	for _, i := range person {
		ref := refOf(ops[i], key)
		op := connector.Op{Kind: connector.OpCreate}
		if key != "" {
			if r, ok := existing[strings.ToLower(ops[i].Fields[key])]; ok {
				if r.Fields["IsPersonAccount"] != "true" || r.Fields["AccountId"] == "" {
					rest = append(rest, i)
					continue
				}
				op = connector.Op{Kind: connector.OpUpdate, ID: r.Fields["AccountId"]}
				results[i] = connector.Result{ID: r.ID} // filled in below when the update fails
			}
		}
		op.Fields = make(map[string]string, len(ops[i].Fields)+1)
		for name, v := range ops[i].Fields {
			to := personAccountField(name)
			if _, ok := ad.field(to); to == "" || !ok {
				results[i] = connector.Result{Err: recErr(d.Name, ref, name, "PERSON_ACCOUNT_FIELD", fmt.Sprintf("a new person without an Account "+
					"is created as a person account, and the Account has no field for %s: map the field to one the person account has", name), connector.CatValidation)}
				op.Fields = nil
				break
			}
			op.Fields[to] = v
		}
		if op.Fields == nil {
			continue
		}
		if op.Kind == connector.OpCreate {
			op.Fields["RecordTypeId"] = rt
		}
		aops = append(aops, op)
		from = append(from, i)
	}
	slices.Sort(rest)
	if len(aops) == 0 {
		return rest, nil
	}
	var creates, updates []int
	for j, op := range aops {
		if op.Kind == connector.OpCreate {
			creates = append(creates, j)
		} else {
			updates = append(updates, j)
		}
	}
	aresults := make([]connector.Result, len(aops))
	if err := c.writeGroup(ctx, ad, "POST", "/composite/sobjects", aops, creates, aresults, ""); err != nil {
		return nil, err
	}
	if err := c.writeGroup(ctx, ad, "PATCH", "/composite/sobjects", aops, updates, aresults, ""); err != nil {
		return nil, err
	}
	// The person contacts of the Accounts created, in one query.
	var made []string
	for _, j := range creates {
		if aresults[j].Err == nil {
			made = append(made, aresults[j].ID)
		}
	}
	contactOf := map[string]string{}
	if len(made) > 0 {
		recs, err := c.Lookup(ctx, "Account", "Id", made)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			contactOf[normalID(r.ID)] = r.Fields["PersonContactId"]
		}
	}
	for j, i := range from {
		ref, r := refOf(ops[i], key), aresults[j]
		switch {
		case r.Err != nil:
			results[i] = connector.Result{Err: personError(d.Name, ref, ops[i], r.Err)}
			if re, ok := r.Err.(*connector.RecordError); ok && strings.EqualFold(re.Field, "RecordTypeId") {
				c.forgetPersonType(ctx)
			}
		case aops[j].Kind == connector.OpUpdate:
			// results[i] holds the person contact's id.
		case contactOf[normalID(r.ID)] == "":
			results[i] = connector.Result{Err: recErr(d.Name, ref, "", "PERSON_ACCOUNT_CONTACT", fmt.Sprintf("person account %s was created, "+
				"but Salesforce did not return its person contact (Account.PersonContactId)", r.ID), connector.CatServer)}
		default:
			results[i] = connector.Result{ID: contactOf[normalID(r.ID)], Created: true}
		}
	}
	return rest, nil
}

// personError is an Account's refusal of a person account written for a
// Contact op, under the Contact's ref and field name.
func personError(object, ref string, op connector.Op, err error) error {
	re, ok := err.(*connector.RecordError)
	if !ok {
		return err
	}
	e := *re
	e.Object, e.RecordID = object, ref
	for name := range op.Fields {
		if e.Field != "" && strings.EqualFold(personAccountField(name), e.Field) {
			e.Field = name // the field as the sync maps it
		}
	}
	e.Message = "written as a person account (Account): " + e.Message
	return &e
}

// forgetPersonType drops the cached person-account record type, refused
// by Salesforce (deactivated or deleted since).
func (c *Conn) forgetPersonType(ctx context.Context) {
	c.mu.Lock()
	c.personType, c.personTypeRead = "", false
	c.mu.Unlock()
	if v, err := c.apiVersion(ctx); err == nil && c.meta.Enabled() {
		_ = c.meta.Forget(ctx, personTypeKey(v))
	}
}
