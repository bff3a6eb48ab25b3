package mailchimp

import (
	"net/http"
	"strconv"
	"strings"
)

// maxBatch is the batch subscribe limit: "Up to 500 members may be added or updated
// with each API call" (spec, Members_to_Subscribe_Unsubscribe_to_from_a_List_in_batch).
const maxBatch = 500

// batchError is one entry of the batch answer's errors (the spec's Errors_inner).
type batchError struct {
	EmailAddress string `json:"email_address"`
	Error        string `json:"error"`
	ErrorCode    string `json:"error_code"`
	Field        string `json:"field"`
	FieldMessage string `json:"field_message"`
}

// handleBatch serves POST /3.0/lists/{list_id}: batch subscribe or unsubscribe
// (members, update_existing, sync_tags; skip_merge_validation and
// skip_duplicate_check in the query). Each member succeeds or fails alone; a failure
// is an entry of errors, ERROR_CONTACT_EXISTS for a member already on the list without
// update_existing and ERROR_GENERIC otherwise. With update_existing a member on the
// list takes the status sent ("Whether this batch operation will change existing
// members' subscription status", spec), and the other properties sent as PATCH would;
// sent none, it keeps its own [unverified: the docs do not say]; a new one needs one
// [the spec's Add_List_Members marks nothing required]. Mailchimp's bulk-jobs guide
// names this endpoint for "All member adds or updates on one audience". An archived
// member comes back as a new one [unverified].
//
// A member's tags are added to those it has; with sync_tags they replace them, which
// "will only work when making the call with update_existing set to true" (release note
// "Added ability to sync tags to existing members", 2022-01-24): without it sync_tags
// is ignored. The spec's batch member schema lists no tags property; the release note
// and sync_tags ("replace all existing tags with tags in request") describe them, in
// the form POST /members takes, an array of names.
func (s *Sim) handleBatch(w http.ResponseWriter, r *http.Request) {
	raw, p := decodeBody(r)
	if p != nil {
		writeProblem(w, p)
		return
	}
	arr, ok := raw["members"].([]any)
	var errs []fieldError
	switch v, present := raw["members"]; {
	case !present:
		errs = append(errs, errRequired("members"))
	case !ok:
		errs = append(errs, errType("members", "array", v))
	case len(arr) > maxBatch:
		errs = append(errs, fieldError{Field: "members", Message: "Schema describes array of at most " +
			strconv.Itoa(maxBatch) + " items, " + strconv.Itoa(len(arr)) + " found instead"}) // [wording unverified]
	}
	flags := map[string]bool{}
	for _, k := range []string{"update_existing", "sync_tags"} {
		if v, present := raw[k]; present {
			b, isBool := v.(bool)
			if !isBool {
				errs = append(errs, errType(k, "boolean", v))
			}
			flags[k] = b
		}
	}
	if len(errs) > 0 {
		writeProblem(w, errInvalid(errs...))
		return
	}
	q := r.URL.Query()
	skipDup := q.Get("skip_duplicate_check") == "true"
	base := s.baseURL(r)

	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(r.PathValue("list_id"))
	if l == nil {
		writeProblem(w, errNotFound())
		return
	}
	created, updated := []memberJSON{}, []memberJSON{}
	failed := []batchError{}
	seen := map[string]bool{}
	for _, item := range arr {
		obj, isObj := item.(map[string]any)
		if !isObj {
			failed = append(failed, genericError("", errInvalid(errType("members", "object", item))))
			continue
		}
		in, ferrs := parseMember(obj, writeStatuses)
		email := strings.TrimSpace(in.email)
		if len(ferrs) > 0 {
			failed = append(failed, genericError(email, errInvalid(ferrs...)))
			continue
		}
		if email == "" {
			failed = append(failed, genericError("", errInvalid(errRequired("email_address"))))
			continue
		}
		h := subscriberHash(email)
		if seen[h] {
			if !skipDup {
				// The first appearance counts (skip_duplicate_check) [error wording unverified].
				failed = append(failed, batchError{EmailAddress: email, ErrorCode: "ERROR_GENERIC",
					Error: email + " was already in this request; only its first appearance is added"})
			}
			continue
		}
		seen[h] = true
		existing := l.byHash[h]
		live := existing != nil && existing.status != statusArchived
		if live && !flags["update_existing"] {
			failed = append(failed, batchError{EmailAddress: email, ErrorCode: "ERROR_CONTACT_EXISTS",
				Error: email + " is already a list member, do you want to update? please provide update_existing:true in the request body"})
			continue
		}
		m, p := s.write(l, existing, writeReq{mode: modeBatch, in: in, skipMerge: q.Get("skip_merge_validation") == "true",
			syncTags: flags["sync_tags"] && flags["update_existing"]})
		switch {
		case p != nil:
			failed = append(failed, genericError(email, p))
		case live:
			updated = append(updated, l.render(m, base))
		default:
			created = append(created, l.render(m, base))
		}
	}
	self := base + api + "/lists/" + l.id
	writeJSON(w, http.StatusOK, map[string]any{"new_members": created, "updated_members": updated, "errors": failed,
		"total_created": len(created), "total_updated": len(updated), "error_count": len(failed),
		"_links": []link{{Rel: "self", Href: self, Method: "GET", TargetSchema: schemaURL(base, "Lists/Instance")},
			{Rel: "parent", Href: base + api + "/lists", Method: "GET", TargetSchema: schemaURL(base, "Lists/Collection")}}})
}

// genericError turns the problem the single-member endpoints would answer into a batch
// error: its detail, and its first field error as field and field_message.
func genericError(email string, p *problem) batchError {
	e := batchError{EmailAddress: email, Error: p.Detail, ErrorCode: "ERROR_GENERIC"}
	if len(p.Errors) > 0 {
		e.Field, e.FieldMessage = p.Errors[0].Field, p.Errors[0].Message
	}
	return e
}
