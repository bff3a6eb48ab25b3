package brevo

import (
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// item is one op on its way to Brevo: its index among the ops written and
// the body of its call (POST /v3/contacts) or of its place in a batch
// (POST /v3/contacts/batch).
type item struct {
	i    int
	op   connector.Op
	body map[string]any
}

// Consent messages: crmsync never lifts an opt-out.
const (
	optInMessage = "only the person can lift their opt-out (Brevo's unsubscribe and preference pages); crmsync never removes an opt-out"
)

// buildItem turns op into an item, or the error that fails its record
// before anything of it is written.
//
//   - A create sends email, ext_id, the attributes it carries (blanks left
//     out), listIds and an opt-out set to true; false is not sent, since a
//     new contact is not blacklisted. An upsert is the same call with
//     updateEnabled, where a blank clears the attribute.
//   - An update names the contact by id and sends what the op carries: a
//     new email as the EMAIL attribute, a blank attribute as null, listIds
//     as the lists to add and every other list of the account as the ones
//     to leave (unlinkListIds), an opt-out set to true. An opt-out set to
//     false fails the record: only the person can resubscribe.
func buildItem(i int, op connector.Op, d *schemaData) (item, *connector.RecordError) {
	it := item{i: i, op: op, body: map[string]any{}}
	bad := func(field, code, msg string) (item, *connector.RecordError) {
		return item{}, &connector.RecordError{Vendor: vendor, Object: objContacts, RecordID: op.ID,
			Category: connector.CatValidation, Field: field, Code: code, Message: msg}
	}
	update := op.Kind == connector.OpUpdate
	if update {
		id, err := strconv.ParseInt(strings.TrimSpace(op.ID), 10, 64)
		if err != nil || id <= 0 {
			return bad("", "MISSING_ID", "an update names no Brevo contact id (a number)")
		}
		it.body["id"] = id
	}
	attrs := map[string]any{}
	for name, v := range op.Fields {
		v = strings.TrimSpace(v)
		switch name {
		case fID, fCreated, fModified:
			return bad(name, "READ_ONLY_FIELD", "Brevo sets "+name+" itself; it cannot be written")
		case fEmail:
			switch {
			case update && v == "":
				return bad(name, "BLANK_EMAIL", "crmsync does not clear a Brevo contact's email address")
			case update:
				attrs["EMAIL"] = v
			case v != "":
				it.body["email"] = v
			}
		case fExtID:
			if v != "" || update {
				it.body["ext_id"] = v // "" clears it [unverified]
			}
		case fEmailBlacklisted, fSMSBlacklisted:
			if v == "" {
				continue
			}
			b, err := strconv.ParseBool(v)
			switch {
			case err != nil:
				return bad(name, "INVALID_VALUE", strconv.Quote(v)+" is not true or false")
			case b:
				it.body[name] = true
			case update:
				return bad(name, "CONSENT_NOT_GIVEN", optInMessage)
			}
		case fListIDs:
			set := connector.SplitMulti(v)
			add := make([]int64, 0, len(set))
			in := map[int64]bool{}
			for _, s := range set {
				n, err := strconv.ParseInt(s, 10, 64)
				if err != nil || n <= 0 {
					return bad(name, "INVALID_VALUE", strconv.Quote(s)+" is not a Brevo list id")
				}
				add, in[n] = append(add, n), true
			}
			if len(add) > 0 {
				it.body["listIds"] = add
			}
			if update && d.ListsOK {
				var drop []int64
				for _, l := range d.Lists {
					if !in[l.ID] {
						drop = append(drop, l.ID)
					}
				}
				if len(drop) > 0 {
					it.body["unlinkListIds"] = drop
				}
			}
		default:
			a, ok := d.attribute(name)
			switch {
			case !ok:
				return bad(name, "UNKNOWN_FIELD", "the Brevo account has no contact attribute "+name)
			case a.Category == "calculated" || a.Category == "global":
				return bad(name, "READ_ONLY_FIELD", "Brevo computes the "+a.Category+" attribute "+name+"; it cannot be written")
			}
			val, err := wireValue(a, v)
			if err != nil {
				return bad(name, "INVALID_VALUE", err.Error())
			}
			if val == nil && op.Kind == connector.OpCreate {
				continue // nothing to clear on a new contact
			}
			attrs[a.Name] = val
		}
	}
	if len(attrs) > 0 {
		it.body["attributes"] = attrs
	}
	if !update {
		if it.body["email"] == nil && it.body["ext_id"] == nil && attrs["SMS"] == nil {
			return bad(fEmail, "MISSING_IDENTIFIER", "a new Brevo contact needs an email, an ext_id or an SMS number")
		}
		if op.Kind == connector.OpUpsert {
			it.body["updateEnabled"] = true
		}
	}
	return it, nil
}

// attribute finds an attribute of the account by name (Brevo's are upper
// case; a sync may name them in any case).
func (d *schemaData) attribute(name string) (attribute, bool) {
	for _, a := range d.Attributes {
		if strings.EqualFold(a.Name, name) && !covered[strings.ToUpper(a.Name)] {
			return a, true
		}
	}
	return attribute{}, false
}

// blamed is the field a Brevo message names for op, or "": an attribute
// the op carries whose name the message quotes, else the email, SMS,
// ext_id or lists by the words Brevo uses for them [unverified: Brevo's
// messages name no field in a structured way].
func blamed(op connector.Op, msg string) string {
	low := strings.ToLower(msg)
	best := ""
	for name := range op.Fields {
		if len(name) > len(best) && name != fEmail && containsWord(low, strings.ToLower(name)) {
			best = name
		}
	}
	if best != "" {
		return best
	}
	switch {
	case strings.Contains(low, "email"):
		return fEmail
	case strings.Contains(low, "sms") || strings.Contains(low, "phone") || strings.Contains(low, "mobile"):
		if _, ok := op.Fields["SMS"]; ok {
			return "SMS"
		}
	case strings.Contains(low, "ext_id"):
		return fExtID
	case strings.Contains(low, "list"):
		return fListIDs
	}
	return ""
}

// containsWord reports w in s with no letter, digit or underscore on
// either side.
func containsWord(s, w string) bool {
	word := func(b byte) bool {
		return b == '_' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
	}
	for from := 0; ; {
		i := strings.Index(s[from:], w)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(w)
		if (i == 0 || !word(s[i-1])) && (end == len(s) || !word(s[end])) {
			return true
		}
		from = i + 1
	}
}
