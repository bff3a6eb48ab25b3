package mapping

import "strings"

// A reference field may list several records, lowest id first, joined by
// commas: a HubSpot activity's contacts (it has no primary one). A link:SYNC
// row reads such a list as its first reference the sync links, so an
// activity whose first contact is not synced still refers to its synced
// one; and the merge holds to the reference agreed while the list still
// names it (HoldsRef), so a contact added beside it, or one written from
// the other side, is no change to carry back.

// firstRef applies one to the first reference of list that it accepts;
// with none, one's error for the first.
func firstRef(list string, one func(string) (string, error)) (string, error) {
	list = strings.TrimSpace(list)
	if !strings.Contains(list, ",") {
		return one(list)
	}
	var first error
	for id := range strings.SplitSeq(list, ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		v, err := one(id)
		if err == nil {
			return v, nil
		}
		if first == nil {
			first = err
		}
	}
	return "", first
}

// HoldsRef says whether side's ("a" or "b") value of a link:SYNC row lists
// several references, one of which reads as canon: the reference agreed
// is still there, so that side has not changed it.
func (r Row) HoldsRef(side string, fields map[string]string, canon string) bool {
	if r.c == nil || !r.c.fwd.link || canon == "" {
		return false
	}
	fs := r.c.a
	if side == "b" {
		fs = r.c.b
	}
	if len(fs) != 1 || !strings.Contains(fields[fs[0].Name], ",") {
		return false
	}
	for id := range strings.SplitSeq(fields[fs[0].Name], ",") {
		one := map[string]string{fs[0].Name: strings.TrimSpace(id)}
		var v string
		var err error
		if side == "a" {
			v, err = r.c.canonA(one)
		} else {
			v, err = r.c.canonB(one)
		}
		if err == nil && v == canon {
			return true
		}
	}
	return false
}
