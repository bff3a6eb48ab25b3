package dynamics

import (
	"net/http"
	"slices"
	"strings"
)

// Deletes (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/update-delete-entities-using-web-api#basic-delete)
// and the cascades a row's delete runs through its relationships.

// deleteOp serves DELETE /{set}(<key>): 204, or 404 for a missing row.
func (s *Sim) deleteOp(t *table, k *rowKey, op *opReq) *opResult {
	r, err := s.find(t, k)
	if err != nil {
		return errResult(err)
	}
	if m := strings.TrimSpace(op.header.Get("If-Match")); m != "" && m != "*" && s.noVersions[t.def] {
		return errResult(errNoVersions(t))
	} else if m != "" && m != "*" && m != etag(r.version) {
		return errResult(errVersion())
	}
	s.deleteRow(t, r)
	return newResult(http.StatusNoContent)
}

// deleteRow removes a row and applies each referencing relationship's Delete cascade:
// "Cascade" deletes the referencing rows (opportunity_customer_accounts/_contacts and
// Account_Tasks/Contact_Tasks are Delete: Cascade in the opportunity and task table
// references, and so are the Account_/Contact_/Opportunity_ Phonecalls, Appointments and
// Annotation relationships of the contact, account and Dynamics 365 references), "RemoveLink" clears their lookup (opportunity_parent_account/_contact;
// parentcustomerid and primarycontactid [unverified: the contact_customer_accounts
// relationship's cascade configuration]).
func (s *Sim) deleteRow(t *table, r *record) {
	t.remove(r)
	if t.bin == nil {
		t.bin = map[string]*record{}
	}
	t.bin[r.id] = r
	t.deleted = append(t.deleted, deletion{id: r.id, version: s.nextVersion()})
	if t.undo != nil {
		n := len(t.deleted) - 1
		*t.undo = append(*t.undo, func() { t.deleted = t.deleted[:n] })
	}
	for _, set := range sortedSets(s.tables) {
		other := s.tables[set]
		for _, a := range other.def.attrs {
			if a.kind != kindLookup && a.kind != kindCust {
				continue
			}
			cascade := false
			for i, target := range a.targets {
				if target == t.def.logical && i < len(a.cascade) && a.cascade[i] == "Cascade" {
					cascade = true
				}
			}
			var hits []string
			for _, x := range other.idIdx {
				if x.vals[a.name] == r.id && x.lookupType[a.name] == t.def.logical {
					hits = append(hits, x.id)
				}
			}
			for _, id := range hits {
				x := other.byID[id] // may have gone or changed through an earlier cascade
				if x == nil || x.vals[a.name] != r.id {
					continue
				}
				if cascade {
					s.deleteRow(other, x)
					continue
				}
				c := x.clone()
				delete(c.vals, a.name)
				delete(c.lookupType, a.name)
				c.modified, c.version = s.nowSecond(), s.nextVersion()
				other.replace(x, c)
			}
		}
	}
}

func sortedSets(tables map[string]*table) []string {
	out := make([]string, 0, len(tables))
	for k := range tables {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
