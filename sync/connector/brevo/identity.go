package brevo

import (
	"context"
	"fmt"
	"maps"

	"github.com/crmsync/crmsync/sync/connector"
)

// upsert writes an upsert so that it lands only on the contact holding
// its email. Brevo keeps one contact per email, SMS number and ext_id,
// and an upsert whose email is new but whose SMS number (or ext_id)
// another contact holds is matched to that contact [unverified which
// identifier Brevo matches first] or refused: matched, it would take
// another person's contact, email and all. So the contact is first
// created as new, which Brevo refuses with duplicate_parameter on any
// identifier it already holds; only when a contact holds its email is it
// sent again with updateEnabled, to update that one. Otherwise the
// refusal fails the record, naming the identifier.
func (c *Connector) upsert(ctx context.Context, it item) (connector.Result, error) {
	res, err := c.post(ctx, asNew(it))
	if err != nil || !isDuplicate(res.Err) {
		return res, err
	}
	email, _ := it.body["email"].(string)
	d, err := c.schemaData(ctx)
	if err != nil {
		return connector.Result{}, err
	}
	holder, err := c.get(ctx, d, email, "email_id")
	if err != nil {
		return connector.Result{}, err
	}
	if holder != nil {
		res, err := c.post(ctx, it)
		if err == nil && res.Err == nil && !res.Created {
			res.Was = holder.Fields // read anyway: the audit's old values
		}
		return res, err
	}
	res.Err = identifierTaken(it, res.Err.(*connector.RecordError))
	return res, nil
}

// refusedCreate explains Brevo's duplicate_parameter on a plain create
// ("Contact already exist", naming neither the identifier nor the
// contact): the contact holding its email, looked up, is named as its
// duplicate so that the engine asks a person whether it is this one;
// without one, another identifier is taken.
func (c *Connector) refusedCreate(ctx context.Context, it item, res connector.Result) (connector.Result, error) {
	re := res.Err.(*connector.RecordError)
	email, _ := it.body["email"].(string)
	if email == "" {
		res.Err = identifierTaken(it, re)
		return res, nil
	}
	d, err := c.schemaData(ctx)
	if err != nil {
		return connector.Result{}, fmt.Errorf("look up the contact holding %s: %w", email, err)
	}
	holder, err := c.get(ctx, d, email, "email_id")
	if err != nil {
		return connector.Result{}, fmt.Errorf("look up the contact holding %s: %w", email, err)
	}
	if holder == nil {
		res.Err = identifierTaken(it, re)
		return res, nil
	}
	out := *re
	out.Category, out.Field, out.Duplicates = connector.CatConflict, fEmail, []string{holder.ID}
	out.Message = fmt.Sprintf("%s (Brevo contact %s already has the email %s, and Brevo keeps one contact per email: "+
		"if they are the same person link them, otherwise give one of them another email)", re.Message, holder.ID, email)
	res.Err = &out
	return res, nil
}

// asNew is it's upsert as a plain create: without updateEnabled, and
// without the blanks, which only an update could clear.
func asNew(it item) item {
	body := maps.Clone(it.body)
	delete(body, "updateEnabled")
	if attrs, ok := body["attributes"].(map[string]any); ok {
		kept := map[string]any{}
		for k, v := range attrs {
			if v != nil {
				kept[k] = v
			}
		}
		body["attributes"] = kept
	}
	it.body = body
	return it
}

func isDuplicate(err error) bool {
	re, ok := err.(*connector.RecordError)
	return ok && re.Code == "duplicate_parameter"
}

// identifierTaken is Brevo's refusal of a new contact whose email no
// contact holds, with the identifier another contact holds.
func identifierTaken(it item, re *connector.RecordError) *connector.RecordError {
	out := *re
	out.Category = connector.CatConflict
	taken := ""
	switch re.Field {
	case "SMS":
		attrs, _ := it.body["attributes"].(map[string]any)
		taken = fmt.Sprintf("SMS %v", attrs["SMS"])
	case fExtID:
		taken = fmt.Sprintf("ext_id %v", it.body["ext_id"])
	default:
		taken = "an identifier"
	}
	out.Message = fmt.Sprintf("%s (%s, but another one holds its %s; Brevo keeps one contact per identifier, "+
		"so crmsync did not merge them: if they are the same person merge them in Brevo, otherwise give one of them another value)",
		re.Message, emailHeld(it), taken)
	return &out
}

// emailHeld says how a refused new contact stands by email: no contact
// holds its email, or it has none (a record with no email, created by its
// SMS or ext_id).
func emailHeld(it item) string {
	if e, _ := it.body["email"].(string); e != "" {
		return "no Brevo contact has the email " + e
	}
	return "the contact has no email"
}
