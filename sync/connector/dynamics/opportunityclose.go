package dynamics

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// Dataverse refuses an update that sets an opportunity's statecode to Won
// (1) or Lost (2): "This message can not be used to set the state of
// opportunity to Won" (CannotUseOpportunitySetStateMessage, 0x80100005,
// web service error codes). An opportunity is closed by the unbound
// WinOpportunity or LoseOpportunity action, whose OpportunityClose binds
// the row and whose Status is the status reason (-1: the state's
// default); an update of statecode 0 reopens it. So a write that closes
// an opportunity sends its other columns as a PATCH and the close as the
// action after it, in one change set: both or neither.

// closeRefusals are Dataverse's refusals of an opportunity's close or
// reopen (web service error codes: OpportunityIsAlreadyClosed,
// OpportunityCannotBeClosed, OpportunityAlreadyInOpenState,
// CannotUseOpportunitySetStateMessage). Their messages name no column,
// so the record's error names the state the write changed.
var closeRefusals = map[string]bool{"0x80040515": true, "0x80040516": true, "0x8004051a": true, "0x80100005": true}

// The close sets the opportunity's Actual Close Date to its
// OpportunityClose's actualend, else today, and its Actual Revenue to the
// close's actualrevenue (the sandbox's opportunityclose.go says from where).
// So a close carries the actualclosedate and actualvalue the write sets or
// keeps (Op.Keep, from Resets), and leaves them to Dataverse otherwise: a
// mapped close date or amount is not overwritten by the close, to come
// back as the other CRM's change next run.
const (
	actualCloseDate = "actualclosedate"
	actualValue     = "actualvalue"
)

// Resets implements connector.Resetter: writing an opportunity's statecode
// (its close) resets its Actual Close Date and Actual Revenue.
func (c *Connector) Resets(object, field string) []string {
	if object == "opportunities" && field == "statecode" {
		return []string{actualCloseDate, actualValue}
	}
	return nil
}

// closeActuals adds to an OpportunityClose the actualend and actualrevenue
// of the opportunity's actualclosedate and actualvalue in carry, where
// they are not blank. actualend is a UserLocal DateTime (an instant); a
// date goes at noon UTC, which is that date in every zone from UTC-11 to
// UTC+11, since whether Dataverse dates the opportunity by actualend's UTC
// date or by the user's zone is [unverified]. actualrevenue is Money, a
// JSON number.
func closeActuals(sc *schema, id string, carry map[string]string, oc map[string]any) *connector.RecordError {
	if v := strings.TrimSpace(carry[actualCloseDate]); v != "" {
		if d, err := time.Parse(time.DateOnly, v); err == nil {
			oc["actualend"] = d.Add(12 * time.Hour).Format(time.RFC3339)
		} else if at, err := time.Parse(time.RFC3339, v); err == nil {
			oc["actualend"] = at.UTC().Format(time.RFC3339)
		} else {
			return refuse(sc.Object, id, actualCloseDate, "INVALID_VALUE", fmt.Sprintf("%q is not a date (YYYY-MM-DD)", v))
		}
	}
	if v := strings.TrimSpace(carry[actualValue]); v != "" {
		n := json.Number(v)
		if _, err := n.Float64(); err != nil {
			return refuse(sc.Object, id, actualValue, "INVALID_VALUE", fmt.Sprintf("%q is not a number", v))
		}
		oc["actualrevenue"] = n
	}
	return nil
}

// opportunityClose is the action closing an opportunity, when op closes
// one; carry holds the columns it takes actualend and actualrevenue from.
func opportunityClose(sc *schema, op connector.Op, id string, carry map[string]string) (operation, bool, *connector.RecordError) {
	if sc.table.logical != "opportunity" || sc.types["statecode"] != "State" {
		return operation{}, false, nil
	}
	state := strings.TrimSpace(op.Fields["statecode"])
	action := map[string]string{"1": "WinOpportunity", "2": "LoseOpportunity"}[state]
	if action == "" {
		return operation{}, false, nil
	}
	status := int64(-1)
	if v := strings.TrimSpace(op.Fields["statuscode"]); v != "" {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			return operation{}, false, refuse(sc.Object, op.ID, "statuscode", "INVALID_VALUE", strconv.Quote(v)+" is not a whole number")
		}
		status = n
	}
	oc := map[string]any{
		// The subject titles the Opportunity Close activity in the timeline.
		"subject": map[string]string{"1": "Won", "2": "Lost"}[state], "opportunityid@odata.bind": "/" + sc.table.set + "(" + id + ")"}
	if rerr := closeActuals(sc, op.ID, carry, oc); rerr != nil {
		return operation{}, false, rerr
	}
	b, err := json.Marshal(map[string]any{"Status": status, "OpportunityClose": oc})
	if err != nil {
		return operation{}, false, refuse(sc.Object, op.ID, "", "ENCODE", err.Error())
	}
	return operation{method: http.MethodPost, path: "/" + action, body: b}, true, nil
}

// withoutState is op without statecode and statuscode, which the close
// action sets.
func withoutState(op connector.Op) connector.Op {
	op.Fields = maps.Clone(op.Fields)
	delete(op.Fields, "statecode")
	delete(op.Fields, "statuscode")
	return op
}

// updateOp is an update: PATCH /contacts(<id>) with If-Match: match (the
// row version the run read, or *: etag.go), and for an opportunity it
// closes, the close action after it (or alone, when it writes nothing
// else). An opportunity the plan read Won or Lost is reopened by that
// PATCH before its other close (op.Was).
func updateOp(sc *schema, op connector.Op, match string) (operation, string, *connector.RecordError) {
	if op.ID == "" {
		return operation{}, "", refuse(sc.Object, "", "", "MISSING_ID", "an update needs the row's id")
	}
	carry := maps.Clone(op.Keep)
	if carry == nil {
		carry = map[string]string{}
	}
	maps.Copy(carry, op.Fields)
	closing, closes, rerr := opportunityClose(sc, op, op.ID, carry)
	if rerr != nil {
		return operation{}, "", rerr
	}
	if closes {
		was := op.Was["statecode"]
		op = withoutState(op)
		if was == "1" || was == "2" {
			// Dataverse closes only an open opportunity: the plan read
			// this one closed, so the PATCH reopens it first.
			op.Fields["statecode"] = "0"
		}
		if len(op.Fields) == 0 {
			return closing, op.ID, nil
		}
	}
	b, rerr := body(sc, op, "")
	if rerr != nil {
		return operation{}, "", rerr
	}
	patch := operation{method: http.MethodPatch, path: "/" + sc.Object + "(" + op.ID + ")", header: http.Header{"If-Match": {match}}, body: b}
	if closes {
		patch.then = &closing
	}
	return patch, op.ID, nil
}

// closeAfterCreate turns the PATCH that follows a create (createOp's
// then, the columns a create cannot set) into the close action, when it
// closes an opportunity; its other columns, if any, stay a PATCH before
// the close. created holds the create's columns, which the close keeps.
func closeAfterCreate(sc *schema, then connector.Op, id, path string, created map[string]string) (*operation, bool, *connector.RecordError) {
	closing, closes, rerr := opportunityClose(sc, then, id, created)
	if rerr != nil || !closes {
		return nil, false, rerr
	}
	rest := withoutState(then)
	if len(rest.Fields) == 0 {
		return &closing, true, nil
	}
	b, rerr := body(sc, rest, "")
	if rerr != nil {
		return nil, false, rerr
	}
	return &operation{method: http.MethodPatch, path: path, header: http.Header{"If-Match": {"*"}}, body: b, then: &closing}, true, nil
}
